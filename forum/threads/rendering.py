"""What the post macros need, prepared once per page rather than once per post.

A thread page shows up to hundreds of posts: their links are built from prefixes made once, and
the permissions of the reader on the thread are worked out once (policy.ThreadPermissions).
"""

from types import SimpleNamespace

from forum import policy
from forum.i18n import current_locale
from forum.speedups.urls import url_prefix


def post_ui(new_after=None, reader_id=None) -> SimpleNamespace:
    """new_after: posts others wrote later are marked new to the reader (None: none are);
    reader_id: the signed-in reader (a moderator's reason for hiding a post is the author's)."""
    return SimpleNamespace(
        new_after=new_after,
        reader_id=reader_id,
        locale=current_locale(),
        posts_prefix=url_prefix("threads.permalink", "post_id"),
        users_prefix=url_prefix("auth.profile", "user_id"),
    )


def post_context(user, thread, new_after=None) -> dict:
    """The template arguments every page that shows posts of `thread` passes to the macros."""
    ui = post_ui(new_after, user.id if user.is_authenticated else None)
    return {"perms": policy.ThreadPermissions(user, thread), "ui": ui}
