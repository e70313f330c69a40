"""Threads as listings show them: plain rows and their tag links, two queries a page.

A listing shows 25 threads by title, names and dates. Building ORM objects for each thread and
both of its users, and a macro call with url_for for each tag, was most of the board page's
time; a row of columns and a tag link shared by every thread that carries the tag are not.
"""

from typing import NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from forum.auth.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.i18n import current_locale
from forum.tags.models import Tag, thread_tag
from forum.templating import cached_url_for
from forum.threads.models import Thread

# Built once: aliasing a mapped class copies its columns, which a page need not pay for.
_author = aliased(User)
_last_poster = aliased(User)


class TagLink(NamedTuple):
    url: str
    name: str


def thread_rows(visible_threads: Select, *, offset: int, limit: int, order_by) -> list[Row]:
    """Rows of id, title, pinned, locked, reply_count, last_activity_at, author_name,
    last_poster_name and board_name for a page of `visible_threads`, which must already join
    Thread.board (as policy.visible_threads does)."""
    locale = current_locale()
    statement = (
        visible_threads.join(_author, _author.id == Thread.author_id)
        .join(_last_poster, _last_poster.id == Thread.last_poster_id)
        .with_only_columns(
            Thread.id,
            Thread.title,
            Thread.pinned,
            Thread.locked,
            Thread.reply_count,
            Thread.last_activity_at,
            _author.display_name.label("author_name"),
            _last_poster.display_name.label("last_poster_name"),
            getattr(Board, f"name_{locale}").label("board_name"),
        )
        .order_by(*order_by)
        .offset(offset)
        .limit(limit)
    )
    return db.session.execute(statement).all()


def tag_links(thread_ids: list[int]) -> dict[int, list[TagLink]]:
    """Each thread's tags, in the taxonomy's order, as links in the reader's language."""
    if not thread_ids:
        return {}
    name = getattr(Tag, f"name_{current_locale()}")
    pairs = db.session.execute(
        select(thread_tag.c.thread_id, Tag.slug, name)
        .join(Tag, Tag.id == thread_tag.c.tag_id)
        .where(thread_tag.c.thread_id.in_(thread_ids))
        .order_by(Tag.position, Tag.id)
    ).all()
    links: dict[str, TagLink] = {}
    by_thread: dict[int, list[TagLink]] = {}
    for thread_id, slug, label in pairs:
        link = links.get(slug)
        if link is None:  # once a tag, not once a thread that carries it
            link = links[slug] = TagLink(cached_url_for("tags.show", slug=slug), label)
        by_thread.setdefault(thread_id, []).append(link)
    return by_thread
