from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.boards.models import Board
from forum.database import UTCDateTime, utcnow
from forum.extensions import db

# Each post's path is its parent's path followed by its own id, zero-padded to this width, so
# that ordering by path gives a depth-first walk with siblings in the order they were written.
PATH_SEGMENT = 10


def path_segment(post_id: int) -> str:
    return str(post_id).zfill(PATH_SEGMENT)


def subtree_bounds(path: str) -> tuple[str, str]:
    """[low, high) such that exactly the paths starting with `path` fall inside."""
    return path, str(int(path) + 1).zfill(len(path))


def ancestor_ids(path: str) -> list[int]:
    """The ids of a post's ancestors, root first, read from its path."""
    return [
        int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path) - PATH_SEGMENT, PATH_SEGMENT)
    ]


class Thread(db.Model):
    __table_args__ = (
        Index("ix_thread_board_listing", "board_id", "pinned", "last_activity_at"),
        # Listings across boards (tag pages, the library) walk threads by recency.
        Index("ix_thread_last_activity_at", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The language of its title and opening message: listings, breadcrumbs and feeds mark the
    # title with it where it differs from the page's.
    language: Mapped[str] = mapped_column(String(2), default="fi", server_default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    # Counters, kept by SQL increments in the transaction that adds a reply.
    reply_count: Mapped[int] = mapped_column(default=0)
    # Top-level replies, whatever their status: pages of the thread are runs of these branches.
    branch_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_poster_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    # Set while the opening post is hidden or deleted: the thread leaves members' listings.
    removed: Mapped[bool] = mapped_column(default=False)

    board: Mapped[Board] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_poster: Mapped[User] = relationship(foreign_keys=[last_poster_id])
    # Thread.tags is added by forum.tags.models, the domain above this one.


class PostStatus(StrEnum):
    """visible; pending (hidden at once by a flag for personal or health data, until reviewed);
    hidden by a moderator; deleted (soft: a placeholder keeps its place in the tree)."""

    VISIBLE = "visible"
    PENDING = "pending"
    HIDDEN = "hidden"
    DELETED = "deleted"


class Post(db.Model):
    """The opening post of a thread (depth 0) or a reply at any depth below it."""

    __table_args__ = (
        Index("ix_post_thread_path", "thread_id", "path"),
        Index("ix_post_thread_depth_path", "thread_id", "depth", "path"),
        # A post's row carries its body three times (2 KB): checks of many posts' thread and
        # status by id (search counts a thousand matches) read this narrow index instead.
        Index("ix_post_id_thread_status", "id", "thread_id", "status"),
        # One member's form token: another member's token finds nothing of theirs.
        UniqueConstraint("author_id", "submission_id", name="uq_post_author_id_submission_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    depth: Mapped[int] = mapped_column(default=0)
    # Byte order ("C" collation) on PostgreSQL, as on SQLite: path ranges must compare digits only.
    path: Mapped[str] = mapped_column(
        String(2000).with_variant(String(2000, collation="C"), "postgresql"), default=""
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Direct replies, kept by SQL increments.
    reply_count: Mapped[int] = mapped_column(default=0)
    # The form's one-time token: a resent or double-clicked form finds its first post here.
    submission_id: Mapped[str | None] = mapped_column(String(64))
    # visible, hidden (by a moderator, or pending review of a flag) or deleted (soft).
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.VISIBLE)
    # Why it was hidden or deleted; shown to its author and to moderators.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised by every edit: a save made from an older version is refused, never overwrites.
    version: Mapped[int] = mapped_column(default=1)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    parent: Mapped["Post | None"] = relationship(remote_side=[id])

    @property
    def is_visible(self) -> bool:
        return self.status == PostStatus.VISIBLE


class PostRevision(db.Model):
    """An earlier version of an edited post. Only staff see these; staff can purge one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # When this version was written, and who replaced it, when and why.
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    replaced_by: Mapped[User] = relationship()


class ThreadReadMark(db.Model):
    """How far a member has read a thread: every post written up to `read_up_to` (the thread's
    last activity when they last opened it). Kept per thread, not per post: a forum with
    threaded replies has no single position to remember, and one row a thread stays small."""

    __tablename__ = "thread_read_mark"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_up_to: Mapped[datetime] = mapped_column(UTCDateTime)


class BoardReadMark(db.Model):
    """A member's "mark board read": nothing in the board written up to `read_up_to` is new."""

    __tablename__ = "board_read_mark"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), primary_key=True
    )
    read_up_to: Mapped[datetime] = mapped_column(UTCDateTime)
