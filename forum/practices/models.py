from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from forum.auth.models import User
from forum.database import UTCDateTime, utcnow
from forum.extensions import db
from forum.regions.models import Organisation
from forum.threads.models import Thread

MATURITIES = ("idea", "piloted", "established")


class GoodPractice(db.Model):
    """A thread that staff marked as a good practice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), unique=True)
    maturity: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Organisations that say "we tried this too", kept by SQL increments.
    adoption_count: Mapped[int] = mapped_column(default=0)

    # thread.practice: the badge and summary on the thread page, without threads importing us.
    thread: Mapped[Thread] = relationship(backref=backref("practice", uselist=False))
    organisation: Mapped[Organisation] = relationship()
    summaries: Mapped[list["PracticeSummary"]] = relationship(
        back_populates="practice", order_by="PracticeSummary.language"
    )
    adoptions: Mapped[list["Adoption"]] = relationship(
        order_by="Adoption.created_at", viewonly=True
    )


class PracticeSummary(db.Model):
    """The practice described in one language, in the shape of the national format."""

    __table_args__ = (UniqueConstraint("practice_id", "language", name="uq_practice_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("good_practice.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    core_idea: Mapped[str] = mapped_column(Text)
    environment: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")

    practice: Mapped[GoodPractice] = relationship(back_populates="summaries")


class Adoption(db.Model):
    """An organisation that tried the practice too."""

    __table_args__ = (
        UniqueConstraint("practice_id", "organisation_id", name="uq_adoption_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("good_practice.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    # How it went, in the language it is written in.
    comment: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="fi", server_default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Listed with the practice: one query for the adoptions and their organisations.
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User] = relationship()


class PracticeCount(db.Model):
    """How many good practices of a board have each organisation, tag and summary language
    (facet, value): those members see, and the removed ones only the board's moderators see.
    Kept in step by the actions that change them (forum.practices.counters), so that the
    library's unfiltered counts add up a few rows for their reader instead of going through every
    practice. Every practice has one organisation: their counts add up to the total, and, by
    the organisations' regions, to the regions'."""

    __tablename__ = "practice_count"

    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    practices: Mapped[int] = mapped_column(default=0)
    removed_practices: Mapped[int] = mapped_column(default=0)
