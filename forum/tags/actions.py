"""Writes on the taxonomy and on threads' tags. Each takes the acting user and commits once."""

from collections.abc import Iterable

from sqlalchemy import delete, insert, select

from forum import policy
from forum.audit.actions import record
from forum.auth.models import User
from forum.database import add_unique, begin_write
from forum.extensions import db
from forum.tags import counters
from forum.tags.models import Tag, TagGroup, thread_tag
from forum.tags.signals import tags_merged
from forum.threads.actions import NotAllowed
from forum.threads.models import Thread
from forum.threads.signals import thread_counted


class MissingRequiredTags(Exception):
    """A required group has no tag among those chosen."""

    def __init__(self, groups: list[TagGroup]):
        super().__init__("required tag groups left out")
        self.groups = groups


class Conflict(Exception):
    """A tag with this address name exists already."""


def choose(tag_ids: Iterable[int]) -> list[Tag]:
    """The approved tags with these ids, checked against the required groups."""
    ids = set(tag_ids)
    chosen = (
        db.session.scalars(select(Tag).where(Tag.id.in_(ids), Tag.status == "approved")).all()
        if ids
        else []
    )
    covered = {tag.group_id for tag in chosen}
    missing = db.session.scalars(
        select(TagGroup)
        .where(TagGroup.required, TagGroup.id.not_in(covered) if covered else True)
        .order_by(TagGroup.position)
    ).all()
    if missing:
        raise MissingRequiredTags(list(missing))
    return list(chosen)


def set_thread_tags(thread: Thread, tags: list[Tag], *, by: User) -> None:
    """Replace a thread's tags: its author and its moderators may."""
    begin_write()
    if not policy.can(by, "thread.tag", thread):
        db.session.rollback()
        raise NotAllowed
    before = {tag.slug for tag in thread.tags}
    counted = {"thread_id": thread.id, "board_id": thread.board_id, "removed": thread.removed}
    thread_counted.send(None, **counted, sign=-1)
    thread.tags = tags
    db.session.flush()
    thread_counted.send(None, **counted, sign=1)
    after = {tag.slug for tag in tags}
    if before != after and by.id != thread.author_id:
        record(by, "thread.tag", thread, details=f"tags: {sorted(before)} → {sorted(after)}")
    db.session.commit()


def propose_tag(*, by: User, group_id: int, slug: str, name: str, description: str) -> Tag:
    """A member's proposal: the same label in every language until staff translate it."""
    begin_write()
    tag = Tag(
        slug=slug, group_id=group_id, name_fi=name, name_sv=name, name_en=name,
        description_fi=description, description_sv=description, description_en=description,
        status="proposed", proposed_by_id=by.id,
    )  # fmt: skip
    add_unique(tag, Conflict)
    db.session.commit()
    return tag


def merge_tag(source: Tag, target: Tag, *, by: User, reason: str = "") -> None:
    """Fold one tag into another: its threads get the target tag, and the source goes."""
    begin_write()
    if not policy.can(by, "forum.administer", None) or source.id == target.id:
        db.session.rollback()
        raise NotAllowed
    moved = db.session.scalars(
        select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == source.id)
    ).all()
    present = set(
        db.session.scalars(select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == target.id))
    )
    rows = [{"thread_id": thread, "tag_id": target.id} for thread in moved if thread not in present]
    if rows:
        db.session.execute(insert(thread_tag), rows)
    db.session.execute(delete(thread_tag).where(thread_tag.c.tag_id == source.id))
    counters.recount([source.id, target.id])
    tags_merged.send(None, source_slug=source.slug, target_slug=target.slug, thread_ids=list(moved))
    record(by, "tag.merge", target, reason=reason,
           details=f"merged {source.slug!r} into {target.slug!r}")  # fmt: skip
    db.session.delete(source)
    db.session.commit()
