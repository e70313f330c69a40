"""Threads as listings show them: plain rows and their tag links, from statements built once.

A listing shows 25 threads by title, names and dates. ORM objects for each thread and both of
its users, a macro call with url_for for each tag, and a statement built anew for every request
were most of the board page's time; rows of columns from a statement built once for each kind of
reader (policy.Viewer) and language, and a tag link shared by every thread that carries the tag,
are not.
"""

from functools import lru_cache

from sqlalchemy import ColumnElement, Integer, Select, bindparam, false, func, select
from sqlalchemy.engine import Row

from forum import policy
from forum.auth.models import User
from forum.boards.models import Board
from forum.database import paged
from forum.extensions import db
from forum.i18n import current_locale
from forum.threads import unread
from forum.threads.models import Thread

_threads = Thread.__table__
_boards = Board.__table__
_author = User.__table__.alias("author")
_last_poster = User.__table__.alias("last_poster")

MOST_RECENT_FIRST = (_threads.c.last_activity_at.desc(), _threads.c.id.desc())
# Which threads a listing shows, in which order; the statement's parameters are named here.
# Domains above this one add theirs (forum.tags.queries: a tag's threads).
LISTINGS = {
    # board_id
    "board": (
        (_threads.c.board_id == bindparam("board_id"),),
        (_threads.c.pinned.desc(), *MOST_RECENT_FIRST),
    ),
    # For signed-in members only: what is new to them.
    "unread": ((unread.UNREAD,), MOST_RECENT_FIRST),
}

# Columns that domains above this one add to each listed thread's row, in the same statement:
# name -> column, which may read the thread's `thread.id` (forum.tags.queries: its tags, a
# statement fewer a page).
LISTED_COLUMNS: dict[str, ColumnElement] = {}


def thread_rows(user, listing: str, *, offset: int, limit: int, **parameters) -> list[Row]:
    """Rows of id, title, pinned, locked, reply_count, last_activity_at, author_name,
    last_poster_name, board_name and unread (whether it is new to the user; never to a reader
    signed out), and the LISTED_COLUMNS: a page of the threads of LISTINGS[listing] that the
    user may see."""
    reader = policy.viewer(user)
    if reader.signed_in:
        parameters.update(unread.reader_parameters(user))
    statement = _rows_statement(reader, listing, current_locale())
    return db.session.execute(statement, {**parameters, "offset": offset, "limit": limit}).all()


def unread_thread_count(user, at_most: int) -> int:
    """How many threads the member may see are new to them (the "unread" listing's length),
    counted no further than `at_most`: a member back after months has thousands."""
    statement = _unread_count_statement(policy.viewer(user))
    return db.session.scalar(statement, {**unread.reader_parameters(user), "at_most": at_most})


@lru_cache(maxsize=512)
def _unread_count_statement(reader: policy.Viewer) -> Select:
    statement = unread.with_read_marks(policy.visible_thread_rows(reader))
    unread_threads = (
        statement.with_only_columns(_threads.c.id).where(unread.UNREAD)
        .limit(bindparam("at_most", type_=Integer, literal_execute=True))
        .subquery()
    )  # fmt: skip
    return select(func.count()).select_from(unread_threads)


_LISTED_THREAD_COLUMNS = (
    "id", "title", "language", "pinned", "locked", "reply_count", "last_activity_at",
)  # fmt: skip


@lru_cache(maxsize=512)
def _rows_statement(reader: policy.Viewer, listing: str, locale: str) -> Select:
    criteria, order_by = LISTINGS[listing]
    statement = policy.visible_thread_rows(reader)
    if reader.signed_in:
        statement, is_unread = unread.with_read_marks(statement), unread.UNREAD
    else:
        is_unread = false()
    return paged(
        statement.join(_author, _author.c.id == _threads.c.author_id)
        .join(_last_poster, _last_poster.c.id == _threads.c.last_poster_id)
        .with_only_columns(
            *(_threads.c[name] for name in _LISTED_THREAD_COLUMNS),
            _author.c.display_name.label("author_name"),
            _last_poster.c.display_name.label("last_poster_name"),
            _boards.c[f"name_{locale}"].label("board_name"),
            is_unread.label("unread"),
            *(column.label(name) for name, column in LISTED_COLUMNS.items()),
        )
        .where(*criteria)
        .order_by(*order_by)
    )
