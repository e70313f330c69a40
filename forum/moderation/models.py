from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.database import UTCDateTime, utcnow
from forum.extensions import db
from forum.threads.models import Post

FLAG_REASONS = ("spam", "inappropriate", "personal_data", "other")
# A flag for personal or health data hides the post at once, pending review.
HIDING_REASONS = ("personal_data",)
FLAG_DECISIONS = ("dismiss", "hide", "delete")


class Flag(db.Model):
    __table_args__ = (
        # One open flag per member per post.
        Index(
            "uq_flag_open_per_reporter",
            "post_id",
            "reporter_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_flag_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    # open, then dismissed, hidden or deleted: what the moderator decided.
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_reason: Mapped[str] = mapped_column(Text, default="")

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
