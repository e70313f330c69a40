from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import UTCDateTime, utcnow
from forum.extensions import db
from forum.organisations.models import Assessment
from forum.regions.models import Organisation
from forum.tags.models import Tag


class GoalStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


GOAL_STATUSES = tuple(GoalStatus)

goal_tag = Table(
    "goal_tag",
    db.metadata,
    Column("goal_id", ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Goal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=GoalStatus.PLANNED, index=True)
    # The assessment answer the goal comes from, if it cites one (a version and a question).
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL")
    )
    cited_answer: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    assessment: Mapped[Assessment | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=goal_tag, order_by=(Tag.position, Tag.id))
    updates: Mapped[list["GoalUpdate"]] = relationship(
        back_populates="goal", order_by="GoalUpdate.created_at.desc(), GoalUpdate.id.desc()"
    )


class GoalUpdate(db.Model):
    """Progress told over time: who, when, what; and the status the goal moved to, if it did
    (the chart of statuses over time is read from these)."""

    __tablename__ = "goal_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    status_before: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))

    goal: Mapped[Goal] = relationship(back_populates="updates")
    # The goal page lists every update with its author's name: read with the updates.
    author = relationship("User", lazy="joined")


EVIDENCE_KINDS = ("thread", "event")


class GoalEvidence(db.Model):
    """A thread (a good practice is a thread) or an event that shows the goal's progress."""

    __tablename__ = "goal_evidence"
    __table_args__ = (UniqueConstraint("goal_id", "kind", "target_id", name="uq_goal_evidence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column()
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
