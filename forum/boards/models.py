from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import DescribedInThreeLanguages, NamedInThreeLanguages, UTCDateTime
from forum.extensions import db
from forum.groups.models import TrainingGroup
from forum.regions.models import Region


# public: anyone, signed out too; members: any signed-in member;
# region: members of the board's region, and staff;
# group: the members of one training group, the board's own moderators and admins.
class BoardVisibility(StrEnum):
    """Who reads a board: everyone, every signed-in member, its region's members, or one
    training group's."""

    PUBLIC = "public"
    MEMBERS = "members"
    REGION = "region"
    GROUP = "group"


VISIBILITIES = tuple(BoardVisibility)


class Board(NamedInThreeLanguages, DescribedInThreeLanguages, db.Model):
    # A group's board is national: a region's moderators, who moderate every board of their
    # region, must not come to read a training group's discussions that way.
    __table_args__ = (
        CheckConstraint(
            "(visibility = 'group') = (group_id IS NOT NULL) "
            "AND (group_id IS NULL OR region_id IS NULL)",
            name="group_board_is_national",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # NULL: a national board.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default=BoardVisibility.PUBLIC)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_group.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)
    # Counters, kept by SQL increments in the transaction that adds a thread or post.
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region | None] = relationship()
    group: Mapped[TrainingGroup | None] = relationship()


class ModerationScope(db.Model):
    """A moderator's reach: one board, or every board of one region."""

    __table_args__ = (
        CheckConstraint("(board_id IS NULL) <> (region_id IS NULL)", name="board_or_region"),
        UniqueConstraint("user_id", "board_id", "region_id", name="uq_moderation_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
