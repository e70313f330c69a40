"""What tag actions tell the domains that keep counts or an index by tag (the good-practice
library, search)."""

from blinker import Namespace

_signals = Namespace()

# One tag folded into another: send(None, source_slug=, target_slug=, thread_ids=), thread_ids
# those that had the source tag, before the commit.
tags_merged = _signals.signal("tags-merged")
