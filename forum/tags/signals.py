"""What tag actions tell the domains that keep counts by tag (the good-practice library)."""

from blinker import Namespace

_signals = Namespace()

# One tag folded into another: send(None, source_slug=, target_slug=), before the commit.
tags_merged = _signals.signal("tags-merged")
