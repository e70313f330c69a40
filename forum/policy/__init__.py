"""Every "may this user ..." decision, in one package.

- rules: can(user, action, obj) with named actions, require() (403), ThreadPermissions;
- filters: Viewer and the visible_*() statements every listing, search, feed and count
  starts from;
- loaders: get_*_or_404(), single objects loaded and authorised in one step;
- identity: signed in, staff powers, moderation scope, as the other three ask it.
"""

from flask_login import current_user

from forum.policy.filters import (
    SIGNED_OUT,
    Viewer,
    audit_entries,
    invitable_organisations,
    membership_requests,
    moderation_clause,
    open_invitations,
    viewer,
    visible_assessments,
    visible_boards,
    visible_events,
    visible_kept_counts,
    visible_post_rows,
    visible_posts,
    visible_practice_rows,
    visible_practices,
    visible_tag_counts,
    visible_thread_rows,
    visible_threads,
)
from forum.policy.identity import is_admin, load_reader, moderation_scope
from forum.policy.loaders import (
    THREAD_ROW_COLUMNS,
    ThreadRow,
    get_board_or_404,
    get_board_row_or_404,
    get_event_or_404,
    get_post_or_404,
    get_thread_or_404,
    get_thread_row_or_404,
)
from forum.policy.rules import (
    STAFF_ACTIONS,
    NotAllowed,
    PostPermissions,
    ThreadPermissions,
    can,
    require,
    staff_action_refused,
)

__all__ = [
    "SIGNED_OUT", "STAFF_ACTIONS", "THREAD_ROW_COLUMNS", "ThreadRow", "NotAllowed",
    "PostPermissions", "ThreadPermissions",
    "audit_entries", "Viewer", "can", "get_board_or_404", "get_board_row_or_404",
    "get_event_or_404", "get_post_or_404",
    "get_thread_or_404", "get_thread_row_or_404", "init_app", "invitable_organisations",
    "is_admin", "load_reader", "membership_requests", "moderation_clause", "moderation_scope",
    "open_invitations", "require", "staff_action_refused", "viewer", "visible_assessments",
    "visible_boards", "visible_events",
    "visible_kept_counts", "visible_post_rows", "visible_posts", "visible_practice_rows",
    "visible_practices", "visible_tag_counts", "visible_thread_rows", "visible_threads",
]  # fmt: skip


def init_app(app) -> None:
    """Templates ask the same rules: {% if can('post.reply', post) %}."""
    app.jinja_env.globals["can"] = lambda action, obj: can(current_user, action, obj)
