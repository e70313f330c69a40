"""Notifications written and read. A notification is written by the action that causes it, in
its transaction (through forum.threads.signals), or for watchers by the job worker from a row
written there (forum.notifications.watching); forum.notifications.queries shows it only while
the recipient may still read what it is about."""

from collections.abc import Iterable

from sqlalchemy import Integer, String, and_, bindparam, insert, select, update

from forum.auth.models import User
from forum.database import UTCDateTime, begin_write, utcnow
from forum.extensions import db
from forum.notifications import bell, mentions, watching
from forum.notifications.models import MENTION, POST_KINDS, REPLY, Notification
from forum.threads.models import Post
from forum.threads.signals import (
    post_moderated,
    post_status_changed,
    practice_news,
    replied,
    thread_counted,
    thread_started,
)


def tell_of_reply(_sender, *, post_id: int, thread_id: int, by_id: int, told: Iterable) -> None:
    """In the reply's transaction: those it mentions, and the author of the post replied to and
    of the thread, each once and unless they muted the thread; the replier watches the thread;
    its watchers are told later."""
    _tell_directly(post_id, thread_id, by_id, replied_to={m for m in told if m is not None})
    watching.join_as_participant(by_id, thread_id)
    watching.fan_out_later(post_id)


def tell_of_new_thread(_sender, *, post_id: int, thread_id: int, by_id: int) -> None:
    """In the new thread's transaction: those it mentions; its author watches it; its watchers
    are told later."""
    _tell_directly(post_id, thread_id, by_id, replied_to=set())
    watching.join_as_participant(by_id, thread_id)
    watching.fan_out_later(post_id)


def _tell_directly(post_id: int, thread_id: int, by_id: int, replied_to: set[int]) -> None:
    post = db.session.get(Post, post_id)  # written in this transaction: no query
    mentioned = mentions.mentioned_in(post.body_text) - {by_id}
    mentioned = mentions.who_may_read(post_id, mentioned)
    kinds = {member: REPLY for member in replied_to - {by_id}}
    kinds.update(dict.fromkeys(mentioned, MENTION))  # a reply that mentions: one notification
    members_by_kind: dict[str, list[int]] = {}
    for member, kind in sorted(kinds.items()):
        members_by_kind.setdefault(kind, []).append(member)
    now = utcnow()
    for kind, members in sorted(members_by_kind.items()):
        db.session.execute(_TELL_UNLESS_MUTED, {"members": members, "kind": kind,
                                                "thread_id": thread_id, "post_id": post_id,
                                                "actor_id": by_id, "created_at": now})  # fmt: skip
    if kinds:
        db.session.execute(_BELL_UNLESS_MUTED, {"members": sorted(kinds), "thread_id": thread_id})


# Those who muted the thread are passed over by the statements that tell the others, not asked
# for first: a reply's round trip fewer.
_accounts = User.__table__
_UNMUTED_MEMBERS = (
    _accounts.c.id.in_(bindparam("members", expanding=True)),
    ~watching.muted(_accounts.c.id, bindparam("thread_id")),
)
_told = select(
    _accounts.c.id,
    bindparam("kind", type_=String),
    bindparam("thread_id", type_=Integer),
    bindparam("post_id", type_=Integer),
    bindparam("actor_id", type_=Integer),
    bindparam("created_at", type_=UTCDateTime),
).where(*_UNMUTED_MEMBERS)
_TELL_UNLESS_MUTED = insert(Notification.__table__).from_select(
    ["recipient_id", "kind", "thread_id", "post_id", "actor_id", "created_at"], _told
)
_BELL_UNLESS_MUTED = bell.recount_soon_statement(*_UNMUTED_MEMBERS)


def tell_of_moderation(_sender, *, post, by_id: int, change: str, reason: str) -> None:
    """In the change's transaction: the post's author, told what staff did and why. Not who:
    a post held for review was held by someone's report."""
    db.session.add(
        Notification(recipient_id=post.author_id, kind=f"post.{change}", thread_id=post.thread_id,
                     post_id=post.id, actor_id=None, reason=reason, created_at=utcnow())
    )  # fmt: skip
    bell.recount_soon([post.author_id])


def tell_of_practice(_sender, *, change: str, thread_id: int, author_id: int, by_id: int) -> None:
    """In the change's transaction: the thread's author, told that it became a good practice or
    that another organisation tried it (about its opening post)."""
    if author_id == by_id:
        return
    opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id, Post.depth == 0))
    db.session.add(
        Notification(recipient_id=author_id, kind=f"practice.{change}", thread_id=thread_id,
                     post_id=opening, actor_id=by_id, created_at=utcnow())
    )  # fmt: skip
    bell.recount_soon([author_id])


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
    bell.recount_soon([reader_id])
    db.session.commit()


def init_app(_app) -> None:
    replied.connect(tell_of_reply)
    thread_started.connect(tell_of_new_thread)
    practice_news.connect(tell_of_practice)
    post_moderated.connect(tell_of_moderation)
    thread_counted.connect(bell.recount_soon_for_thread)
    post_status_changed.connect(bell.recount_soon_for_thread)
