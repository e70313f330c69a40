"""Notifications written and read. A notification is written by the action that causes it, in
its transaction (through forum.threads.signals), or for watchers by the job worker from a row
written there (forum.notifications.watching); forum.notifications.queries shows it only while
the recipient may still read what it is about."""

from collections.abc import Iterable

from sqlalchemy import and_, update

from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.notifications import watching
from forum.notifications.models import POST_KINDS, REPLY, Notification
from forum.threads.signals import post_moderated, replied, thread_started


def tell_of_reply(_sender, *, post_id: int, thread_id: int, by_id: int, told: Iterable) -> None:
    """In the reply's transaction: the author of the post replied to and of the thread, unless
    they muted it; the replier watches the thread; its watchers are told later."""
    now = utcnow()
    recipients = {member for member in told if member is not None} - {by_id}
    for recipient_id in sorted(recipients - watching.muted_among(recipients, thread_id)):
        db.session.add(
            Notification(recipient_id=recipient_id, kind=REPLY, thread_id=thread_id,
                         post_id=post_id, actor_id=by_id, created_at=now)
        )  # fmt: skip
    watching.join_as_participant(by_id, thread_id)
    watching.fan_out_later(post_id)


def tell_of_new_thread(_sender, *, post_id: int, thread_id: int, by_id: int) -> None:
    """In the new thread's transaction: its author watches it; its watchers are told later."""
    watching.join_as_participant(by_id, thread_id)
    watching.fan_out_later(post_id)


def tell_of_moderation(_sender, *, post, by_id: int, change: str, reason: str) -> None:
    """In the change's transaction: the post's author, told what staff did and why. Not who:
    a post held for review was held by someone's report."""
    db.session.add(
        Notification(recipient_id=post.author_id, kind=f"post.{change}", thread_id=post.thread_id,
                     post_id=post.id, actor_id=None, reason=reason, created_at=utcnow())
    )  # fmt: skip


def mark_read(
    reader_id: int, *, thread_id: int | None = None, notification_id: int | None = None
) -> None:
    """Mark the reader's unread notifications read: one, those of one thread, or all."""
    begin_write()
    condition = and_(Notification.recipient_id == reader_id, Notification.read_at.is_(None))
    if thread_id is not None:  # a thread's replies, as the page groups them
        condition = and_(
            condition, Notification.thread_id == thread_id, Notification.kind.in_(POST_KINDS)
        )
    if notification_id is not None:
        condition = and_(condition, Notification.id == notification_id)
    db.session.execute(update(Notification).where(condition).values(read_at=utcnow()))
    db.session.commit()


def init_app(_app) -> None:
    replied.connect(tell_of_reply)
    thread_started.connect(tell_of_new_thread)
    post_moderated.connect(tell_of_moderation)
