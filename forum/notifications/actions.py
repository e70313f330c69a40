"""Notifications written and read. A notification is written by the action that causes it, in
its transaction (through forum.threads.signals), and shown only while its post is one the
recipient may read: a post hidden later, or a thread moved where they cannot follow, drops out
of the bell and the list."""

from collections.abc import Iterable

from sqlalchemy import and_, update

from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.notifications.models import Notification
from forum.threads.signals import replied

REPLY = "reply"


def tell_of_reply(_sender, *, post_id: int, thread_id: int, by_id: int, told: Iterable) -> None:
    """In the reply's transaction: the author of the post replied to and of the thread."""
    now = utcnow()
    for recipient_id in sorted({member for member in told if member is not None} - {by_id}):
        db.session.add(
            Notification(recipient_id=recipient_id, kind=REPLY, thread_id=thread_id,
                         post_id=post_id, actor_id=by_id, created_at=now)
        )  # fmt: skip


def mark_read(reader_id: int, *, thread_id: int | None = None) -> None:
    """Mark the reader's unread notifications read: those of one thread, or all."""
    begin_write()
    condition = and_(Notification.recipient_id == reader_id, Notification.read_at.is_(None))
    if thread_id is not None:
        condition = and_(condition, Notification.thread_id == thread_id)
    db.session.execute(update(Notification).where(condition).values(read_at=utcnow()))
    db.session.commit()


def init_app(_app) -> None:
    replied.connect(tell_of_reply)
