from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.boards.models import BoardVisibility
from forum.database import UTCDateTime, utcnow
from forum.extensions import db
from forum.groups.models import TrainingGroup
from forum.regions.models import Region
from forum.threads.models import Thread

# Who sees an event: the same scopes as a board's (BoardVisibility), so that the policy asks
# the one question of both.
EventAudience = BoardVisibility
# Every event's times are entered, shown and written to calendars in this zone; stored in UTC.
EVENT_ZONE = "Europe/Helsinki"


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Event(db.Model):
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("(audience = 'group') = (group_id IS NOT NULL)", name="group_audience"),
        CheckConstraint("audience <> 'region' OR region_id IS NOT NULL", name="region_audience"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="positive_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # Markdown, rendered and sanitised once, when written (forum.markup).
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    description_text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    # None: a national event.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    audience: Mapped[str] = mapped_column(String(16), default=EventAudience.PUBLIC)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_group.id", ondelete="RESTRICT"), index=True
    )
    # None: no limit.
    capacity: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.SCHEDULED)
    # Raised at every change that calendars must pick up (RFC 5545 SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    # The discussion: questions before, the harvest after (materials, what was learned).
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()
    group: Mapped[TrainingGroup | None] = relationship()
    thread: Mapped[Thread | None] = relationship()

    @property
    def cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"


class Registration(db.Model):
    """A member signed up for an event: with a place, or on its waiting list."""

    __tablename__ = "event_registration"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    user = relationship("User")


class CalendarFeed(db.Model):
    """A member's private calendar address: calendar programs cannot sign in, so the address
    holds a secret; only its hash is kept, and a new address ends the old one."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
