"""What is new to a member since their last visit, kept per thread rather than per post.

A thread is new to a member when its last activity is later than each of: when they joined, when
they last marked its board read, and how far they had read it when they last opened it. Listings
join the two kinds of mark into their one statement (with_read_marks, UNREAD), so a board page
reads no query per thread; the thread page reads the marks once (last_read) and moves its own
mark on (mark_thread_read).
"""

from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select

from forum.database import UTCDateTime, begin_write, raise_to, utcnow
from forum.extensions import db
from forum.threads.models import BoardReadMark, Post, PostStatus, Thread, ThreadReadMark

_threads = Thread.__table__
_posts = Post.__table__
_thread_marks = ThreadReadMark.__table__
_board_marks = BoardReadMark.__table__
_READER = bindparam("reader_id")


def reader_parameters(user) -> dict:
    """The parameters with_read_marks() and UNREAD bind, for a signed-in member."""
    return {"reader_id": user.id, "reader_joined_at": user.created_at}


def with_read_marks(statement):
    """`statement` (which reads thread) outer-joined to the reader's marks of each thread and
    of its board."""
    return statement.outerjoin(
        _thread_marks,
        and_(_thread_marks.c.thread_id == _threads.c.id, _thread_marks.c.user_id == _READER),
    ).outerjoin(
        _board_marks,
        and_(_board_marks.c.board_id == _threads.c.board_id, _board_marks.c.user_id == _READER),
    )


def _later_than(mark) -> object:
    return or_(mark.is_(None), _threads.c.last_activity_at > mark)


# Where the reader wrote last, nothing is new to them.
UNREAD = and_(
    _threads.c.last_poster_id != _READER,
    _threads.c.last_activity_at > bindparam("reader_joined_at", type_=UTCDateTime()),
    _later_than(_board_marks.c.read_up_to),
    _later_than(_thread_marks.c.read_up_to),
)

_MARKS = select(
    select(_thread_marks.c.read_up_to)
    .where(_thread_marks.c.user_id == _READER, _thread_marks.c.thread_id == bindparam("thread_id"))
    .scalar_subquery(),
    select(_board_marks.c.read_up_to)
    .where(_board_marks.c.user_id == _READER, _board_marks.c.board_id == bindparam("board_id"))
    .scalar_subquery(),
)

_FIRST_UNREAD = (
    select(_posts.c.id)
    .where(
        _posts.c.thread_id == bindparam("thread_id"),
        _posts.c.created_at > bindparam("since", type_=UTCDateTime()),
        _posts.c.status == PostStatus.VISIBLE,
        _posts.c.author_id != _READER,
    )
    .order_by(_posts.c.created_at, _posts.c.id)
    .limit(1)
)


def last_read(user, thread) -> datetime:
    """Up to when the member had read `thread` (a Thread or ThreadRow): posts written later
    are new to them. A ThreadRow loaded for the member carries the marks (read_marks)."""
    marks = getattr(thread, "read_marks", None)
    if marks is None:
        marks = db.session.execute(
            _MARKS, {"reader_id": user.id, "thread_id": thread.id, "board_id": thread.board_id}
        ).one()
    return max(mark for mark in (user.created_at, *marks) if mark is not None)


def first_unread_post_id(user, thread_id: int, since: datetime) -> int | None:
    """The earliest visible post of the thread that someone else wrote after `since`."""
    return db.session.scalar(
        _FIRST_UNREAD, {"reader_id": user.id, "thread_id": thread_id, "since": since}
    )


def mark_thread_read(user, thread_id: int, up_to: datetime) -> None:
    """The member has read the thread up to `up_to` (its last activity as they saw it)."""
    begin_write()
    raise_to(ThreadReadMark, {"user_id": user.id, "thread_id": thread_id}, "read_up_to", up_to)
    db.session.commit()


def mark_boards_read(user, board_ids) -> None:
    """Nothing written in these boards until now is new to the member any more."""
    now = utcnow()
    begin_write()
    for board_id in sorted(set(board_ids)):
        raise_to(BoardReadMark, {"user_id": user.id, "board_id": board_id}, "read_up_to", now)
    db.session.commit()
