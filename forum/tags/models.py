from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import DescribedInThreeLanguages, NamedInThreeLanguages
from forum.extensions import db
from forum.threads.models import Thread

thread_tag = Table(
    "thread_tag",
    db.metadata,
    Column("thread_id", ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TagGroup(NamedInThreeLanguages, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # A thread must carry at least one tag of a required group.
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    tags: Mapped[list["Tag"]] = relationship(
        back_populates="group", order_by="Tag.position, Tag.id"
    )


TAG_STATUSES = ("approved", "proposed")


class Tag(NamedInThreeLanguages, DescribedInThreeLanguages, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tag_group.id"), index=True)
    # The name's three languages are synonyms of one another in search.
    # A member's proposal stays out of pickers until staff approve it.
    status: Mapped[str] = mapped_column(String(16), default="approved")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    position: Mapped[int] = mapped_column(default=0)

    group: Mapped[TagGroup] = relationship(back_populates="tags")


# Threads are tagged from here, as good practices attach themselves to threads: the threads
# domain, below this one, knows nothing of tags. Listings and the thread page read a thread's
# tags in its row (tags.queries.THREAD_TAGS), in no statement of their own.
Thread.tags = relationship(Tag, secondary=thread_tag, order_by=(Tag.position, Tag.id))


class TagBoardCount(db.Model):
    """How many threads of a board carry a tag: those members see, and the removed ones only the
    board's moderators see. Kept in step by the actions that tag, remove, restore and move
    threads (forum.tags.counters), so that a tag's page and the tag index add up a few of these
    rows for their reader instead of counting every tagged thread."""

    __tablename__ = "tag_board_count"

    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)
    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    threads: Mapped[int] = mapped_column(default=0)
    removed_threads: Mapped[int] = mapped_column(default=0)
