"""The bell's count of unread notifications, kept on the member's row so that a signed-in page
reads it with its user (auth.actions loads the row) and asks nothing more.

The kept count is queries.unread_count() remembered. It is counted again, on the member's next
request, in one UPDATE whose subquery asks each unread notification whether it is still
readable, when
- it is None: a notification of theirs was written or read, or something they were told about
  moved or changed status (a thread moved or removed, a post hidden or restored, a board's
  visibility changed), and that change's transaction set it to None; or
- it was counted for another kind of reader: bell_counted_for names the policy.Viewer it was
  counted for, so a change of role, region, membership or moderation scope needs no call here
  (a new account's 0 is counted for every kind: it has no notifications at all).

The member's row is locked before the count is taken, so that a notification whose transaction
set the count to None and had not yet committed is either counted or sets it to None again
after (on SQLite the write transaction holds the database's write lock throughout; on
PostgreSQL the UPDATE's subquery would otherwise keep the snapshot it started with).
"""

from collections.abc import Iterable
from functools import lru_cache
from hashlib import blake2b

from sqlalchemy import Update, bindparam, select, update

from forum import policy
from forum.auth.models import User
from forum.database import begin_write
from forum.extensions import db
from forum.notifications.models import Notification
from forum.notifications.queries import unread_count, unread_count_statement

_accounts = User.__table__
_notifications = Notification.__table__


@lru_cache(maxsize=512)
def kind_of_reader(reader: policy.Viewer) -> str:
    """A short, stable name of a Viewer (Python's hash() differs between processes)."""
    fields = (reader.signed_in, reader.admin, reader.region_id,
              sorted(reader.moderated_boards), sorted(reader.moderated_regions),
              sorted(reader.training_groups))  # fmt: skip
    return blake2b(repr(fields).encode(), digest_size=8).hexdigest()


@lru_cache(maxsize=512)
def _recount(reader: policy.Viewer):
    counted = unread_count_statement(reader).scalar_subquery()
    return (
        update(_accounts)
        .where(_accounts.c.id == bindparam("recipient_id"))
        .values(bell_count=counted, bell_counted_for=kind_of_reader(reader))
        .returning(_accounts.c.bell_count)
    )


_LOCK_MEMBER = (
    select(_accounts.c.id).where(_accounts.c.id == bindparam("recipient_id")).with_for_update()
)


def _kept(user, reader: policy.Viewer) -> bool:
    return user.bell_count is not None and user.bell_counted_for in ("", kind_of_reader(reader))


def settle(user) -> None:
    """Count the signed-in user's bell again if the kept count is stale; commits."""
    reader = policy.viewer(user)
    if _kept(user, reader):
        return
    begin_write()
    db.session.execute(_LOCK_MEMBER, {"recipient_id": user.id})
    user.bell_count = db.session.scalar(_recount(reader), {"recipient_id": user.id})
    user.bell_counted_for = kind_of_reader(reader)
    db.session.commit()


def count(user) -> int:
    """The bell's count: the kept one, or, where settle() did not run (an error page), counted."""
    if _kept(user, policy.viewer(user)):
        return user.bell_count
    return unread_count(user)


def recount_soon_statement(*conditions) -> Update:
    """The UPDATE that has the bells of the accounts meeting these conditions counted again on
    their next request, for a caller whose conditions name them (recount_soon() takes ids)."""
    return update(_accounts).where(*conditions).values(bell_count=None)


_STALE_FOR_MEMBERS = recount_soon_statement(
    _accounts.c.id.in_(bindparam("user_ids", expanding=True))
)
_STALE_FOR_THREAD = (
    update(_accounts)
    .where(
        _accounts.c.id.in_(
            select(_notifications.c.recipient_id).where(
                _notifications.c.thread_id == bindparam("thread_id"),
                _notifications.c.read_at.is_(None),
            )
        )
    )
    .values(bell_count=None)
)


def recount_soon(user_ids: Iterable[int]) -> None:
    """In the caller's transaction: these members' bells are counted again."""
    if user_ids := sorted(set(user_ids)):
        db.session.execute(_STALE_FOR_MEMBERS, {"user_ids": user_ids})


def recount_soon_for_thread(_sender=None, *, thread_id: int, **_details) -> None:
    """In the caller's transaction: the bells of those with unread news of the thread are
    counted again (it moved, left view or came back, or one of its posts did). A receiver of
    threads.signals.thread_counted and post_status_changed."""
    db.session.execute(_STALE_FOR_THREAD, {"thread_id": thread_id})


def recount_soon_for_everyone() -> None:
    """In the caller's transaction: every bell is counted again (a board's visibility changed:
    rare, and who it concerns is everyone with news from it)."""
    db.session.execute(update(_accounts).values(bell_count=None))
