"""An account's first day, as Discourse has it: a flood or link spam from a new account stays
small before anyone has had time to notice it. Staff accounts are not held to it."""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select

from forum.auth.models import User
from forum.database import utcnow
from forum.extensions import db
from forum.markup import Rendered
from forum.threads.models import Post

NEW_MEMBER_PERIOD = timedelta(days=1)
NEW_MEMBER_POSTS_PER_HOUR = 10
NEW_MEMBER_LINKS_PER_POST = 2


class NewMemberLimit(Exception):
    """A member in their first day reached a cap: `kind` is "posts" (an hour's) or "links"
    (one message's), `limit` the cap."""

    def __init__(self, kind: str, limit: int):
        super().__init__(f"new member's {kind} cap of {limit}")
        self.kind, self.limit = kind, limit


def _is_new_member(user: User, now: datetime) -> bool:
    return user.role == "member" and user.created_at > now - NEW_MEMBER_PERIOD


def check_new_member_links(user: User, rendered: Rendered) -> None:
    if _is_new_member(user, utcnow()) and rendered.html.count("<a ") > NEW_MEMBER_LINKS_PER_POST:
        raise NewMemberLimit("links", NEW_MEMBER_LINKS_PER_POST)


_POSTS_SINCE = select(func.count()).where(
    Post.author_id == bindparam("author_id"), Post.created_at > bindparam("since")
)


def check_new_member_pace(user: User, now: datetime) -> None:
    """Inside the write transaction, so that writers in other processes are counted too."""
    if not _is_new_member(user, now):
        return
    written = db.session.scalar(
        _POSTS_SINCE, {"author_id": user.id, "since": now - timedelta(hours=1)}
    )
    if written >= NEW_MEMBER_POSTS_PER_HOUR:
        db.session.rollback()
        raise NewMemberLimit("posts", NEW_MEMBER_POSTS_PER_HOUR)
