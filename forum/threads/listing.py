"""Threads as listings show them: plain rows and their tag links, from statements built once.

A listing shows 25 threads by title, names and dates. ORM objects for each thread and both of
its users, a macro call with url_for for each tag, and a statement built anew for every request
were most of the board page's time; rows of columns from a statement built once for each kind of
reader (policy.Viewer) and language, and a tag link shared by every thread that carries the tag,
are not.
"""

from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.engine import Row

from forum import policy
from forum.auth.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.i18n import current_locale
from forum.tags.models import Tag, thread_tag
from forum.templating import url_prefix
from forum.threads.models import Thread

_threads = Thread.__table__
_boards = Board.__table__
_tags = Tag.__table__
_author = User.__table__.alias("author")
_last_poster = User.__table__.alias("last_poster")

_MOST_RECENT_FIRST = (_threads.c.last_activity_at.desc(), _threads.c.id.desc())
_IN_TAG = _threads.c.id.in_(
    select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == bindparam("tag_id"))
)
# Which threads a listing shows, in which order; the statement's parameters are named here.
LISTINGS = {
    # board_id
    "board": (
        (_threads.c.board_id == bindparam("board_id"),),
        (_threads.c.pinned.desc(), *_MOST_RECENT_FIRST),
    ),
    # tag_id: the tag's own threads, sorted (a rare tag)
    "tag": ((_IN_TAG,), _MOST_RECENT_FIRST),
    # tag_id: threads newest first, keeping the tagged ones (a common tag: the walk stops at the
    # page instead of sorting every tagged thread)
    "tag, walking recent threads": (
        (
            exists().where(
                thread_tag.c.thread_id == _threads.c.id,
                thread_tag.c.tag_id == bindparam("tag_id"),
            ),
        ),
        _MOST_RECENT_FIRST,
    ),
}


class TagLink(NamedTuple):
    url: str
    name: str


def thread_rows(user, listing: str, *, offset: int, limit: int, **parameters) -> list[Row]:
    """Rows of id, title, pinned, locked, reply_count, last_activity_at, author_name,
    last_poster_name and board_name: a page of the threads of LISTINGS[listing] that the
    user may see."""
    statement = _rows_statement(policy.viewer(user), listing, current_locale())
    return db.session.execute(statement, {**parameters, "offset": offset, "limit": limit}).all()


@lru_cache(maxsize=512)
def _rows_statement(reader: policy.Viewer, listing: str, locale: str) -> Select:
    criteria, order_by = LISTINGS[listing]
    return (
        policy.visible_thread_rows(reader)
        .join(_author, _author.c.id == _threads.c.author_id)
        .join(_last_poster, _last_poster.c.id == _threads.c.last_poster_id)
        .with_only_columns(
            _threads.c.id,
            _threads.c.title,
            _threads.c.pinned,
            _threads.c.locked,
            _threads.c.reply_count,
            _threads.c.last_activity_at,
            _author.c.display_name.label("author_name"),
            _last_poster.c.display_name.label("last_poster_name"),
            _boards.c[f"name_{locale}"].label("board_name"),
        )
        .where(*criteria)
        .order_by(*order_by)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


@lru_cache(maxsize=8)
def _tag_links_statement(locale: str) -> Select:
    return (
        select(thread_tag.c.thread_id, _tags.c.slug, _tags.c[f"name_{locale}"])
        .join(_tags, _tags.c.id == thread_tag.c.tag_id)
        .where(thread_tag.c.thread_id.in_(bindparam("thread_ids", expanding=True)))
        .order_by(_tags.c.position, _tags.c.id)
    )


def tag_links(thread_ids: list[int]) -> dict[int, list[TagLink]]:
    """Each thread's tags, in the taxonomy's order, as links in the reader's language."""
    if not thread_ids:
        return {}
    pairs = db.session.execute(
        _tag_links_statement(current_locale()), {"thread_ids": thread_ids}
    ).all()
    tag_page = url_prefix("tags.show", "slug")  # slugs are made of a-z, 0-9 and "-"
    links: dict[str, TagLink] = {}
    by_thread: dict[int, list[TagLink]] = {}
    for thread_id, slug, label in pairs:
        link = links.get(slug)
        if link is None:  # once a tag, not once a thread that carries it
            link = links[slug] = TagLink(tag_page + slug, label)
        by_thread.setdefault(thread_id, []).append(link)
    return by_thread
