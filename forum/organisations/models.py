from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import UTCDateTime, utcnow
from forum.extensions import db
from forum.regions.models import Organisation
from forum.tags.models import Tag

# The four questions of the programme's initial assessment (alkukartoitus), in their order.
ASSESSMENT_ANSWERS = ("approaches", "works_well", "challenges", "information_needs")

assessment_need = Table(
    "assessment_need",
    db.metadata,
    Column("assessment_id", ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Assessment(db.Model):
    """One version of an organisation's initial assessment: a new one keeps the old.

    Read by the organisation's members and programme staff (admins, and moderators of its
    region); by every member once the organisation shares it (policy: assessment.view)."""

    __table_args__ = (UniqueConstraint("organisation_id", "version", name="uq_assessment_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    language: Mapped[str] = mapped_column(String(2))
    # Which approaches and tools for supporting people with partial work capacity it uses now;
    # what works well; its development challenges and problem areas; which services, benefits
    # or other tools it needs more information on.
    approaches: Mapped[str] = mapped_column(Text, default="")
    works_well: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    information_needs: Mapped[str] = mapped_column(Text, default="")
    shared_with_members: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship()
    author = relationship("User")
    # The services, benefits and tools of the taxonomy the fourth answer names: counted across
    # organisations for the programme's staff.
    needs: Mapped[list[Tag]] = relationship(
        secondary=assessment_need, order_by=(Tag.position, Tag.id)
    )
