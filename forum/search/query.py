"""Answering a search: matching posts from the index, then the policy's visibility filter."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from markupsafe import Markup, escape
from sqlalchemy import Select, column, func, or_, select, table, text
from sqlalchemy.orm import contains_eager, joinedload

from forum import policy
from forum.auth.models import User
from forum.boards.models import Board
from forum.search.text import lemma, query_alternatives, words
from forum.tags.models import Tag, thread_tag
from forum.threads.models import Post, Thread

SNIPPET_RADIUS = 90
_WORD = re.compile(r"\w+")

_search_index = table("search_index", column("rowid"), column("terms"))
_search_document = table("search_document", column("post_id"), column("terms"))


@dataclass
class Filters:
    board: str = ""
    region: int | None = None
    tag: str = ""
    author: int | None = None
    language: str = ""
    since: date | None = None
    until: date | None = None


def _fts5_match(alternatives: list[set[str]]):
    """SQLite's condition: every query word, by one of its alternatives as a prefix."""
    match = " AND ".join(
        "(" + " OR ".join(f'"{term}"*' for term in sorted(alts)) + ")" for alts in alternatives
    )
    return text("search_index MATCH :match").bindparams(match=match)


def _matching_ids(dialect: str, alternatives: list[set[str]]) -> Select:
    """Post ids whose terms match every query word, each by one of its alternatives as a prefix."""
    if dialect == "sqlite":
        return select(_search_index.c.rowid).where(_fts5_match(alternatives))
    tsquery = " & ".join(
        "(" + " | ".join(f"{term}:*" for term in sorted(alts)) + ")" for alts in alternatives
    )
    return select(_search_document.c.post_id).where(
        _search_document.c.terms.op("@@")(func.to_tsquery("simple", tsquery))
    )


def _tagged_openings(session, query: str) -> Select | None:
    """Opening posts of threads whose tag the query names in any language: the three labels
    of a tag are synonyms ("work try-out" finds threads tagged "työkokeilu")."""
    wanted = words(query)
    if not wanted:
        return None
    tag_ids = [
        tag.id
        for tag in session.scalars(select(Tag).where(Tag.status == "approved"))
        if wanted in (words(tag.name_fi), words(tag.name_sv), words(tag.name_en))
    ]
    if not tag_ids:
        return None
    return (
        select(Post.id)
        .join(thread_tag, thread_tag.c.thread_id == Post.thread_id)
        .where(Post.depth == 0, thread_tag.c.tag_id.in_(tag_ids))
    )


def search(session, user, query: str, filters: Filters) -> Select | None:
    """The visible posts that match, newest first; None for a query with no words."""
    alternatives = query_alternatives(query)
    if not alternatives:
        return None
    dialect = session.get_bind().dialect.name
    tagged = _tagged_openings(session, query)
    statement = policy.visible_posts(user)
    # Ids grow with time, so newest first is by id, without sorting every match by date.
    newest_first = Post.id.desc()
    if dialect == "sqlite" and tagged is None:
        # The index itself walks its matches newest first, and a page stops after its twenty
        # visible ones; `id IN (matches)` would first collect every match of a common word.
        statement = statement.join(_search_index, _search_index.c.rowid == Post.id).where(
            _fts5_match(alternatives)
        )
        newest_first = _search_index.c.rowid.desc()
    elif tagged is None:
        statement = statement.where(Post.id.in_(_matching_ids(dialect, alternatives)))
    else:
        matching = _matching_ids(dialect, alternatives)
        statement = statement.where(or_(Post.id.in_(matching), Post.id.in_(tagged)))
    statement = statement.where(Post.status == "visible", Thread.removed.is_(False)).options(
        contains_eager(Post.thread).contains_eager(Thread.board),
        joinedload(Post.author, innerjoin=True).lazyload(User.organisation),
    )
    if filters.board:
        statement = statement.where(Board.slug == filters.board)
    if filters.region:
        statement = statement.where(Board.region_id == filters.region)
    if filters.tag:
        statement = statement.where(
            Post.thread_id.in_(
                select(thread_tag.c.thread_id)
                .join(Tag, Tag.id == thread_tag.c.tag_id)
                .where(Tag.slug == filters.tag)
            )
        )
    if filters.author:
        statement = statement.where(Post.author_id == filters.author)
    if filters.language:
        statement = statement.where(Post.language == filters.language)
    if filters.since:
        statement = statement.where(Post.created_at >= _day_start(filters.since))
    if filters.until:
        statement = statement.where(Post.created_at < _day_start(filters.until + timedelta(days=1)))
    return statement.order_by(newest_first)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def snippet(text_: str, query: str, language: str) -> Markup:
    """A short piece of the text around the first match, with every matching word marked.

    A word matches when it, or its lemma in the post's language, begins with one of the query's
    alternatives: the same rule the index applies.
    """
    alternatives = tuple(alt for alts in query_alternatives(query) for alt in alts)

    def matches(word: str) -> bool:
        lowered = word.lower()
        return lowered.startswith(alternatives) or lemma(lowered, language).startswith(alternatives)

    # Words are looked at up to the first match, then only within the snippet's window.
    first = next((m for m in _WORD.finditer(text_) if alternatives and matches(m.group(0))), None)
    start = max(0, (first.start() if first else 0) - SNIPPET_RADIUS)
    end = start + 2 * SNIPPET_RADIUS + 40
    parts, last = [], start
    for match in _WORD.finditer(text_, first.start()) if first else ():
        if match.end() > end:
            break
        if not matches(match.group(0)):
            continue
        parts += [escape(text_[last : match.start()]), Markup("<mark>%s</mark>") % match.group(0)]
        last = match.end()
    parts.append(escape(text_[last:end]))
    prefix = Markup("…") if start else Markup("")
    suffix = Markup("…") if end < len(text_) else Markup("")
    return prefix + Markup("").join(parts) + suffix
