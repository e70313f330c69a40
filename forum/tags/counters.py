"""Counts of tagged threads per board (TagBoardCount), changed in SQL in the caller's transaction.

Every action that changes which threads carry a tag, or whether members see a thread, or where it
is, sends threads.signals.thread_counted for the thread as it was and as it is; count_thread()
receives it. A count is never read into Python and written back: across worker processes that
would lose updates.
"""

from functools import cache

from sqlalchemy import Integer, bindparam, case, delete, func, insert, select

from forum.counters import add_counted, adding_insert
from forum.extensions import db
from forum.tags.models import TagBoardCount, thread_tag
from forum.threads.models import Thread
from forum.threads.signals import thread_counted

_counts = TagBoardCount.__table__
_threads = Thread.__table__
_COLUMNS = ("tag_id", "board_id", "threads", "removed_threads")


@cache
def _add_thread_tags(dialect: str):
    rows = select(
        thread_tag.c.tag_id,
        bindparam("board_id", type_=Integer),
        bindparam("shown", type_=Integer),
        bindparam("removed", type_=Integer),
    ).where(thread_tag.c.thread_id == bindparam("thread_id"))
    return adding_insert(dialect, _counts, _COLUMNS, rows, keys=["tag_id", "board_id"],
                         added=("threads", "removed_threads"))  # fmt: skip


def count_thread(_sender, *, thread_id: int, board_id: int, removed: bool, sign: int) -> None:
    """Count the thread's present tags on the board (sign 1) or take them off (sign -1), as a
    thread that members see or, if removed, one that only moderators see."""
    statement = _add_thread_tags(db.session.get_bind().dialect.name)
    add_counted(statement, removed=removed, sign=sign, thread_id=thread_id, board_id=board_id)


def recount(tag_ids: list[int] | None = None) -> None:
    """Count the tags' threads again from the threads themselves (every tag's if None)."""
    removed = _threads.c.removed
    counted = (
        select(
            thread_tag.c.tag_id,
            _threads.c.board_id,
            func.sum(case((removed, 0), else_=1)),
            func.sum(case((removed, 1), else_=0)),
        )
        .join(_threads, _threads.c.id == thread_tag.c.thread_id)
        .group_by(thread_tag.c.tag_id, _threads.c.board_id)
    )
    cleared = delete(_counts)
    if tag_ids is not None:
        counted = counted.where(thread_tag.c.tag_id.in_(tag_ids))
        cleared = cleared.where(_counts.c.tag_id.in_(tag_ids))
    db.session.execute(cleared)
    db.session.execute(insert(_counts).from_select(_COLUMNS, counted))


def init_app(_app) -> None:
    thread_counted.connect(count_thread)
