from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import DescribedInThreeLanguages, NamedInThreeLanguages, UTCDateTime, utcnow
from forum.extensions import db


class TrainingGroup(NamedInThreeLanguages, DescribedInThreeLanguages, db.Model):
    __tablename__ = "training_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["GroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class GroupMemberStatus(StrEnum):
    INVITED = "invited"  # staff asked; the group's boards stay closed until the member accepts
    JOINED = "joined"


class GroupMember(db.Model):
    """A member invited to a training group, or in it."""

    __tablename__ = "group_member"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("training_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=GroupMemberStatus.INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[TrainingGroup] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
