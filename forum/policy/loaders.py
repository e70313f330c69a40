"""Single objects, loaded and authorised in one step: 404 for a reader who may not know the
thing exists. Each loader is a visible_*() filter narrowed to one id or slug."""

from collections import namedtuple

from flask import abort
from sqlalchemy import ColumnElement, Select, bindparam, null, select
from sqlalchemy.orm import contains_eager, joinedload

from forum.boards.models import Board
from forum.events.models import Event
from forum.extensions import db
from forum.policy.filters import (
    POSTS_WITH_BOARDS,
    THREADS_WITH_BOARDS,
    Viewer,
    _board_visibility_clause,
    _boards,
    _per_kind_of_reader,
    _posts,
    _practices,
    _threads,
    threads_seen,
    viewer,
    visible_boards,
    visible_events,
    visible_threads,
)
from forum.practices.models import GoodPractice
from forum.threads.models import BoardReadMark, Post, Thread, ThreadReadMark


def _first_or_404(statement: Select, **parameters):
    found = db.session.execute(statement, parameters).unique().scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def _first_row_or_404(statement: Select, **parameters):
    found = db.session.execute(statement, parameters).first()
    if found is None:
        abort(404)
    return found


def get_board_or_404(slug: str, user) -> Board:
    return _first_or_404(_board_loader(user), slug=slug)


@_per_kind_of_reader
def _board_loader(reader: Viewer) -> Select:
    return visible_boards(reader).where(_boards.c.slug == bindparam("slug")).limit(1)


def get_board_row_or_404(slug: str, user):
    """get_board_or_404() for pages that only read the board: a row of its columns, which the
    rules above (can) read as they read a Board."""
    return _first_row_or_404(_board_row_loader(user), slug=slug)


@_per_kind_of_reader
def _board_row_loader(reader: Viewer) -> Select:
    return (
        select(_boards)
        .where(_board_visibility_clause(reader), _boards.c.slug == bindparam("slug"))
        .limit(1)
    )


def get_thread_or_404(thread_id: int, user) -> Thread:
    """A thread the user may see, with its board."""
    return _first_or_404(_thread_loader(user), thread_id=thread_id)


@_per_kind_of_reader
def _thread_loader(reader: Viewer) -> Select:
    statement = visible_threads(reader).where(_threads.c.id == bindparam("thread_id"))
    return statement.options(contains_eager(Thread.board)).limit(1)


# The thread page's thread, read as one row of plain columns: a third of the cost of loading
# the ORM objects. The rules read these as they read a Thread and its Board.
BoardRow = namedtuple("BoardRow", [column.name for column in _boards.c])
ThreadRow = namedtuple(
    "ThreadRow",
    [*(column.name for column in _threads.c), "board", "practice", "event_id", "read_marks",
     "added"],
)  # fmt: skip
_THREAD_WIDTH, _BOARD_WIDTH = len(_threads.c), len(_boards.c)
# Columns that domains above add to the thread page's row, read with it, as ThreadRow.added:
# name -> column, which may read the thread's `thread.id` (forum.tags.queries: its tags).
THREAD_ROW_COLUMNS: dict[str, ColumnElement] = {}


def get_thread_row_or_404(thread_id: int, user) -> ThreadRow:
    """get_thread_or_404() for the thread page, which only reads the thread: its columns, its
    board as `board`, its good practice, if it is one, as `practice` (None otherwise), the
    event it is the discussion of, if any, as `event_id`, and for a member, as `read_marks`,
    how far they had read the thread and its board (threads.unread; None for a visitor), and
    the THREAD_ROW_COLUMNS by name as `added`."""
    reader = viewer(user)
    parameters = {"thread_id": thread_id}
    if reader.signed_in:
        parameters["reader_id"] = user.id
    row = _first_row_or_404(_thread_row_loader(reader), **parameters)
    board = BoardRow._make(row[_THREAD_WIDTH : _THREAD_WIDTH + _BOARD_WIDTH])
    practice_id, event_id, thread_mark, board_mark, *added = row[_THREAD_WIDTH + _BOARD_WIDTH :]
    practice = db.session.get(GoodPractice, practice_id) if practice_id is not None else None
    read_marks = (thread_mark, board_mark) if reader.signed_in else None
    added = dict(zip(THREAD_ROW_COLUMNS, added, strict=True))
    return ThreadRow._make((*row[:_THREAD_WIDTH], board, practice, event_id, read_marks, added))


_thread_marks, _board_marks = ThreadReadMark.__table__, BoardReadMark.__table__


def _read_marks(reader: Viewer) -> tuple:
    """A member's marks of the thread and of its board, read with the thread: on PostgreSQL a
    statement of their own was one more round trip on every thread page a member opened."""
    if not reader.signed_in:
        return null(), null()
    return (
        select(_thread_marks.c.read_up_to)
        .where(
            _thread_marks.c.user_id == bindparam("reader_id"),
            _thread_marks.c.thread_id == _threads.c.id,
        )
        .scalar_subquery(),
        select(_board_marks.c.read_up_to)
        .where(
            _board_marks.c.user_id == bindparam("reader_id"),
            _board_marks.c.board_id == _threads.c.board_id,
        )
        .scalar_subquery(),
    )


@_per_kind_of_reader
def _thread_row_loader(reader: Viewer) -> Select:
    with_practice = THREADS_WITH_BOARDS.outerjoin(
        _practices, _practices.c.thread_id == _threads.c.id
    ).outerjoin(_events, _events.c.thread_id == _threads.c.id)
    # In ThreadRow's order. An event's discussion board is read by no more people than see the
    # event (events.actions.discussion_fits), so its readers may follow the link.
    columns = (*_threads.c, *_boards.c, _practices.c.id, _events.c.id, *_read_marks(reader),
               *(column.label(name) for name, column in THREAD_ROW_COLUMNS.items()))  # fmt: skip
    statement = threads_seen(reader, *columns, through=with_practice)
    return statement.where(_threads.c.id == bindparam("thread_id")).limit(1)


_events = Event.__table__


def get_event_or_404(event_id: int, user) -> Event:
    """An event the user may see (visible_events()); 404 otherwise."""
    return _first_or_404(_event_loader(user), event_id=event_id)


@_per_kind_of_reader
def _event_loader(reader: Viewer) -> Select:
    # With its discussion's thread and board, which its page asks the rules about: two lazy
    # loads otherwise, each a round trip on PostgreSQL.
    return (
        visible_events(reader)
        .where(_events.c.id == bindparam("event_id"))
        .options(joinedload(Event.thread).joinedload(Thread.board))
        .limit(1)
    )


def get_post_or_404(post_id: int, user) -> Post:
    """A post in a thread the user may see, whatever its status: a hidden post keeps its place
    in the tree, and pages decide with can("post.read") whether to show its text."""
    return _first_or_404(_post_loader(user), post_id=post_id)


@_per_kind_of_reader
def _post_loader(reader: Viewer) -> Select:
    return (
        threads_seen(reader, Post, through=POSTS_WITH_BOARDS)
        .where(_posts.c.id == bindparam("post_id"))
        .options(contains_eager(Post.thread).contains_eager(Thread.board))
        .limit(1)
    )


# Actions only staff may take (edit and delete are staff actions on someone else's post): a
# signed-in user refused one of these is recorded in the audit trail.
