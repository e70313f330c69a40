from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import UTCDateTime, utcnow
from forum.extensions import db

# The kinds about a new post: a reply (to the member, or where they watch), a new thread, a
# mention of the member.
REPLY, NEW_THREAD, MENTION = "reply", "thread", "mention"
POST_KINDS = (REPLY, NEW_THREAD, MENTION)


class Notification(db.Model):
    """Something that concerns a member: a reply to their post or thread or in a thread they
    watch (kind "reply"), a new thread where they watch ("thread"), or staff changing their post
    ("post.hidden", "post.pending", "post.restored", "post.deleted", "post.edited"). Written in
    the transaction of the event that causes it, or, for watchers, by the job worker from the
    NewPostFanout row written there."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient_unread", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Staff's reason for changing the post, told to its author.
    reason: Mapped[str] = mapped_column(Text, default="")
    # When it went out by e-mail (or was passed over for it); None: not yet.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WatchLevel(StrEnum):
    """How much a member hears of a thread, board, tag or tag group (Discourse's levels)."""

    MUTED = "muted"  # nothing, not even replies to their own posts there
    NORMAL = "normal"  # replies to their posts and threads (no row is kept for it)
    FIRST_POST = "first_post"  # and each new thread (boards, tags and tag groups)
    WATCHING = "watching"  # and every new message


# A thread has no first post to come: its levels are these.
THREAD_LEVELS = (WatchLevel.MUTED, WatchLevel.NORMAL, WatchLevel.WATCHING)


class WatchTarget(StrEnum):
    THREAD = "thread"
    BOARD = "board"
    TAG = "tag"
    TAG_GROUP = "tag_group"


class Watch(db.Model):
    """A member's level for one thread, board, tag or tag group other than normal."""

    __tablename__ = "watch"
    __table_args__ = (Index("ix_watch_target", "target", "target_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(String(16), primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))


class NotificationSettings(db.Model):
    """A member's choices about notifications; no row: the defaults."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    # Starting a thread or replying in one watches it.
    watch_participated: Mapped[bool] = mapped_column(default=True)
    # E-mail about new posts (replies, mentions, new threads where watched, their good
    # practices) and about what staff did to the member's posts: "off", "soon" (batched) or
    # "digest" (notifications.mailing).
    mail_posts: Mapped[str] = mapped_column(String(8), default="off")
    mail_staff: Mapped[str] = mapped_column(String(8), default="off")
    # When the last daily or weekly digest went out, or was passed over because the member had
    # been back on the forum since the one before.
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_every: Mapped[str] = mapped_column(String(8), default="daily")  # or "weekly"


class NewPostFanout(db.Model):
    """A new post whose watchers are still to be told: written in the post's transaction, and
    done by the job worker, so that a thread's thousand watchers cost its reply nothing."""

    __tablename__ = "notification_fanout"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
