"""What thread actions tell the domains above them that keep counts of threads (tags, good
practices).

Threads never import those domains; each connects its receiver at start-up. Signals are sent
inside the action's transaction, so a receiver's writes commit or roll back with the change.
"""

from blinker import Namespace

_signals = Namespace()

# A thread's contribution to the counts kept of it, added (sign 1) or taken away (sign -1):
# send(None, thread_id=, board_id=, removed=, sign=). removed: whether only moderators see it.
# An action changing where or whether a thread shows, or its tags, takes the thread away as it
# was and adds it as it is.
thread_counted = _signals.signal("thread-counted")

# A reply was written, inside its transaction: send(None, post_id=, thread_id=, by_id=,
# told=(the author of the post replied to, the thread's author)). Notifications listen.
replied = _signals.signal("replied")

# A thread was started, inside its transaction: send(None, post_id= (its opening post),
# thread_id=, by_id=). Notifications listen.
thread_started = _signals.signal("thread-started")

# A thread's good practice made news for its author, inside the change's transaction:
# send(None, change="curated"|"adopted", thread_id=, author_id=, by_id=): staff curated the
# thread as a good practice, or another organisation recorded that it tried it.
practice_news = _signals.signal("practice-news")

# A new post was held for review as its author sent it, knowing it may hold personal data,
# inside its transaction: send(None, post_id=, by_id=, note= (what was found, not where it is
# in the text)). Moderation opens a flag for it.
post_held = _signals.signal("post-held")

# Staff changed someone's post, inside the change's transaction: send(None, post=, by_id=,
# change="hidden"|"pending"|"restored"|"deleted"|"edited", reason=). Notifications listen.
post_moderated = _signals.signal("post-moderated")

# A post's status changed, by staff or its author, inside the change's transaction:
# send(None, post_id=, thread_id=). What notifications say about it may have left view.
post_status_changed = _signals.signal("post-status-changed")
