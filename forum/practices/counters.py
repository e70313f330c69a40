"""The library's counts kept per board (PracticeCount), changed in SQL in the caller's
transaction: a practice's organisation, tags and summary languages, counted where its thread is
and as members or only moderators see it.

Curating calls count_practice() for the practice as it was and as it is; the thread and tag
actions below this domain send signals (threads.signals.thread_counted, tags.signals.tags_merged)
that the receivers here turn into the same. A count is never read into Python and written back.
"""

from functools import cache

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)

from forum.counters import add_counted, adding_insert
from forum.extensions import db
from forum.practices.models import GoodPractice, PracticeCount, PracticeSummary
from forum.tags.models import Tag, thread_tag
from forum.tags.signals import tags_merged
from forum.threads.models import Thread
from forum.threads.signals import thread_counted

_counts = PracticeCount.__table__
_practices = GoodPractice.__table__
_summaries = PracticeSummary.__table__
_tags = Tag.__table__
_threads = Thread.__table__
_COLUMNS = ("board_id", "facet", "value", "practices", "removed_practices")


def _facet_values(practices=_practices):
    """(practice id, facet, value) of every organisation, tag and summary language."""
    return union_all(
        select(practices.c.id.label("practice_id"), literal("organisation", String).label("facet"),
               cast(practices.c.organisation_id, String).label("value")),
        select(practices.c.id, literal("tag", String), _tags.c.slug)
        .join(thread_tag, thread_tag.c.thread_id == practices.c.thread_id)
        .join(_tags, _tags.c.id == thread_tag.c.tag_id),
        select(practices.c.id, literal("language", String), _summaries.c.language)
        .join(_summaries, _summaries.c.practice_id == practices.c.id),
    ).subquery()  # fmt: skip


@cache
def _add_practice(dialect: str):
    of_thread = select(_practices).where(_practices.c.thread_id == bindparam("thread_id"))
    values = _facet_values(of_thread.subquery())
    rows = select(
        bindparam("board_id", type_=Integer),
        values.c.facet,
        values.c.value,
        bindparam("shown", type_=Integer),
        bindparam("removed", type_=Integer),
    ).where(values.c.value.is_not(None))  # a WHERE: SQLite's upsert after a SELECT needs one
    return adding_insert(dialect, _counts, _COLUMNS, rows, keys=["board_id", "facet", "value"],
                         added=("practices", "removed_practices"))  # fmt: skip


def count_practice(thread_id: int, board_id: int, *, removed: bool, sign: int) -> None:
    """Count the good practice on the thread, if it is one, with its present organisation, tags
    and languages on the board (sign 1), or take them off (sign -1)."""
    statement = _add_practice(db.session.get_bind().dialect.name)
    add_counted(statement, removed=removed, sign=sign, thread_id=thread_id, board_id=board_id)


def recount(*, tag_slugs: list[str] | None = None) -> None:
    """Count again from the practices themselves: the tags' counts, or every count if None."""
    values = _facet_values()
    removed = _threads.c.removed
    counted = (
        select(
            _threads.c.board_id, values.c.facet, values.c.value,
            func.sum(case((removed, 0), else_=1)), func.sum(case((removed, 1), else_=0)),
        )
        .select_from(values)
        .join(_practices, _practices.c.id == values.c.practice_id)
        .join(_threads, _threads.c.id == _practices.c.thread_id)
        .group_by(_threads.c.board_id, values.c.facet, values.c.value)
    )  # fmt: skip
    cleared = delete(_counts)
    if tag_slugs is not None:
        counted = counted.where(values.c.facet == "tag", values.c.value.in_(tag_slugs))
        cleared = cleared.where(_counts.c.facet == "tag", _counts.c.value.in_(tag_slugs))
    db.session.execute(cleared)
    db.session.execute(insert(_counts).from_select(_COLUMNS, counted))


def _on_thread_counted(_sender, *, thread_id: int, board_id: int, removed: bool, sign: int):
    count_practice(thread_id, board_id, removed=removed, sign=sign)


def _on_tags_merged(_sender, *, source_slug: str, target_slug: str, **_threads) -> None:
    recount(tag_slugs=[source_slug, target_slug])


def init_app(_app) -> None:
    thread_counted.connect(_on_thread_counted)
    tags_merged.connect(_on_tags_merged)
