"""Answering a search: matching posts from the index, then the policy's visibility filter."""

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import Select, bindparam, column, func, or_, select, table, text

from forum import policy
from forum.auth.models import User
from forum.boards.models import Board
from forum.search.text import is_known, query_terms, word_terms, words
from forum.tags.models import Tag, thread_tag
from forum.threads.models import Post, Thread

SNIPPET_RADIUS = 90
_WORD = re.compile(r"\w+")

_search_index = table("search_index", column("rowid"), column("terms"))
_search_document = table("search_document", column("post_id"), column("terms"))
_posts = Post.__table__
_threads = Thread.__table__
_boards = Board.__table__
_tags = Tag.__table__
_authors = User.__table__
# The filters a search may set, in the order of a statement's filter shape.
_FILTERS = ("board", "region", "tag", "author", "language", "since", "until")


@dataclass
class Filters:
    board: str = ""
    region: int | None = None
    tag: str = ""
    author: int | None = None
    language: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Wanted:
    """What one query word finds: any of its terms, or a term that begins with its prefix."""

    terms: frozenset[str]
    prefix: str | None = None


# A word no dictionary knows, this long or longer, also finds the terms it begins: a name or a
# word cut short ("koordinaat").
MIN_PREFIX = 4


def wanted_words(query: str) -> list[Wanted]:
    return [
        Wanted(query_terms(word), None if len(word) < MIN_PREFIX or is_known(word) else word)
        for word in dict.fromkeys(words(query))
    ]


# A prefix standing for at most this many terms is asked for by those terms.
MOST_TERMS_A_PREFIX = 32
# The index's terms that begin with each prefix (all of them are letters and digits, which sort
# below U+10FFFF), up to one more than the most a query names.
_TERMS_BEGINNING = text(
    "SELECT prefix.value, (SELECT group_concat(term, ' ') FROM ("
    " SELECT term FROM search_term"
    " WHERE term >= prefix.value AND term < prefix.value || char(1114111)"
    " ORDER BY term LIMIT :most)) FROM json_each(:prefixes) AS prefix"
)


def _indexed_terms(session, wanted: list[Wanted]) -> dict[str, list[str] | None]:
    """For each prefix, the index's terms that it begins; None for a prefix of more than
    MOST_TERMS_A_PREFIX terms."""
    prefixes = sorted({word.prefix for word in wanted if word.prefix})
    if not prefixes:
        return {}
    rows = session.execute(
        _TERMS_BEGINNING, {"prefixes": json.dumps(prefixes), "most": MOST_TERMS_A_PREFIX + 1}
    )
    found = {}
    for prefix, terms in rows:
        terms = terms.split() if terms else []
        found[prefix] = terms if len(terms) <= MOST_TERMS_A_PREFIX else None
    return found


def _fts5_query(wanted: list[Wanted], indexed: dict[str, list[str] | None]) -> str:
    """SQLite's MATCH text: every query word, by one of its terms.

    FTS5 answers a prefix ("koordinaat"*) by first collecting every post of every term it stands
    for, which took longer the more posts there were, even for a page of twenty; the same terms
    named ("koordinaattori" OR "koordinaattorit") are read newest first and only as far as the
    page needs. A prefix of many terms stays a prefix; one of none adds nothing.
    """
    groups = []
    for word in wanted:
        named = set(word.terms)
        prefixes = []
        if word.prefix:
            beginning = indexed.get(word.prefix)
            if beginning is None:
                prefixes.append(word.prefix)
            else:
                named.update(beginning)
        parts = [f'"{term}"' for term in sorted(named)] + [f'"{p}"*' for p in prefixes]
        groups.append("(" + " OR ".join(parts) + ")")
    return "{title body} : (" + " AND ".join(groups) + ")"


def _tsquery(wanted: list[Wanted]) -> str:
    """PostgreSQL's tsquery text, with the same meaning (the terms of titles and texts weigh A
    and B)."""
    return " & ".join(
        "("
        + " | ".join(
            [*(f"{term}:AB" for term in sorted(word.terms))]
            + ([f"{word.prefix}:*AB"] if word.prefix else [])
        )
        + ")"
        for word in wanted
    )


_FTS5_MATCH = text("search_index MATCH :match")
_MATCHING_IDS = {
    "sqlite": select(_search_index.c.rowid).where(_FTS5_MATCH),
    "postgresql": select(_search_document.c.post_id).where(
        _search_document.c.terms.op("@@")(func.to_tsquery("simple", bindparam("match")))
    ),
}
_APPROVED_TAG_LABELS = select(_tags.c.id, _tags.c.name_fi, _tags.c.name_sv, _tags.c.name_en).where(
    _tags.c.status == "approved"
)
_TAGGED_OPENINGS = (
    select(_posts.c.id)
    .join(thread_tag, thread_tag.c.thread_id == _posts.c.thread_id)
    .where(_posts.c.depth == 0, thread_tag.c.tag_id.in_(bindparam("tag_ids", expanding=True)))
)


def _tags_named(session, query: str) -> list[int]:
    """Tags whose label the query is in any language: the three labels of a tag are synonyms
    ("work try-out" finds threads tagged "työkokeilu")."""
    wanted = words(query)
    if not wanted:
        return []
    return [
        tag.id
        for tag in session.execute(_APPROVED_TAG_LABELS).all()
        if wanted in (words(tag.name_fi), words(tag.name_sv), words(tag.name_en))
    ]


@dataclass
class Search:
    """A prepared search: its statements and their parameters."""

    page: Select  # rows of id, language, body_text, created_at, title, author_name, board_name
    count: Select  # how many match, counting up to the count_limit parameter
    parameters: dict


def search(session, user, query: str, filters: Filters, *, locale: str) -> Search | None:
    """The visible posts that match, newest first; None for a query with no words."""
    wanted = wanted_words(query)
    if not wanted:
        return None
    dialect = session.get_bind().dialect.name
    tag_ids = _tags_named(session, query)
    if dialect == "sqlite":
        match = _fts5_query(wanted, _indexed_terms(session, wanted))
    else:
        match = _tsquery(wanted)
    parameters = {
        "match": match,
        "tag_ids": tag_ids,
        "board": filters.board,
        "region": filters.region,
        "tag": filters.tag,
        "author": filters.author,
        "language": filters.language,
        "since": _day_start(filters.since) if filters.since else None,
        "until": _day_start(filters.until + timedelta(days=1)) if filters.until else None,
    }
    shape = tuple(bool(getattr(filters, name)) for name in _FILTERS)
    page, count = _statements(policy.viewer(user), dialect, bool(tag_ids), shape, locale)
    return Search(page, count, parameters)


@lru_cache(maxsize=256)
def _statements(
    reader: policy.Viewer, dialect: str, by_tag_label: bool, shape: tuple, locale: str
) -> tuple[Select, Select]:
    statement = policy.visible_post_rows(reader)
    # Ids grow with time, so newest first is by id, without sorting every match by date.
    newest_first = _posts.c.id.desc()
    if dialect == "sqlite" and not by_tag_label:
        # The index itself walks its matches newest first, and a page stops after its twenty
        # visible ones; `id IN (matches)` would first collect every match of a common word.
        statement = statement.join(_search_index, _search_index.c.rowid == _posts.c.id).where(
            _FTS5_MATCH
        )
        newest_first = _search_index.c.rowid.desc()
    elif not by_tag_label:
        statement = statement.where(_posts.c.id.in_(_MATCHING_IDS[dialect]))
    else:
        statement = statement.where(
            or_(_posts.c.id.in_(_MATCHING_IDS[dialect]), _posts.c.id.in_(_TAGGED_OPENINGS))
        )
    statement = statement.where(_posts.c.status == "visible", _threads.c.removed.is_(False))
    conditions = {
        "board": _boards.c.slug == bindparam("board"),
        "region": _boards.c.region_id == bindparam("region"),
        "tag": _posts.c.thread_id.in_(
            select(thread_tag.c.thread_id)
            .join(_tags, _tags.c.id == thread_tag.c.tag_id)
            .where(_tags.c.slug == bindparam("tag"))
        ),
        "author": _posts.c.author_id == bindparam("author"),
        "language": _posts.c.language == bindparam("language"),
        "since": _posts.c.created_at >= bindparam("since"),
        "until": _posts.c.created_at < bindparam("until"),
    }
    for name, wanted in zip(_FILTERS, shape, strict=True):
        if wanted:
            statement = statement.where(conditions[name])
    counted = statement.limit(bindparam("count_limit")).subquery()
    page = (
        statement.join(_authors, _authors.c.id == _posts.c.author_id)
        .with_only_columns(
            _posts.c.id,
            _posts.c.language,
            _posts.c.body_text,
            _posts.c.created_at,
            _threads.c.title,
            _authors.c.display_name.label("author_name"),
            _boards.c[f"name_{locale}"].label("board_name"),
        )
        .order_by(newest_first)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return page, select(func.count()).select_from(counted)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class Snippets:
    """Snippets of one query's results: short pieces of each text around its first match, with
    every matching word marked.

    A word matches when one of its index terms in the post's language is one of the query's, or
    begins with one of its prefixes: the rule the index applies. A results page makes twenty
    snippets whose words repeat, so each word's verdict is worked out once a page.
    """

    def __init__(self, query: str):
        wanted = wanted_words(query)
        self._terms = frozenset(term for word in wanted for term in word.terms)
        self._prefixes = tuple(word.prefix for word in wanted if word.prefix)
        self._verdicts: dict[tuple[str, str], bool] = {}

    def _matches(self, word: str, language: str) -> bool:
        verdict = self._verdicts.get((word, language))
        if verdict is None:
            lowered = word.lower()
            verdict = lowered.startswith(self._prefixes) or not self._terms.isdisjoint(
                word_terms(lowered, language)
            )
            self._verdicts[word, language] = verdict
        return verdict

    def __call__(self, text_: str, language: str) -> Markup:
        words = _WORD.finditer(text_)
        # Words are looked at up to the first match, then only within the snippet's window.
        first = None
        if self._terms:
            first = next((m for m in words if self._matches(m.group(0), language)), None)
        start = max(0, (first.start() if first else 0) - SNIPPET_RADIUS)
        end = start + 2 * SNIPPET_RADIUS + 40
        parts = ["…"] if start else []
        last = start
        for match in _WORD.finditer(text_, first.start()) if first else ():
            if match.end() > end:
                break
            if self._matches(match.group(0), language):
                word = html.escape(match.group(0))
                parts += [html.escape(text_[last : match.start()]), f"<mark>{word}</mark>"]
                last = match.end()
        parts.append(html.escape(text_[last:end]))
        if end < len(text_):
            parts.append("…")
        return Markup("".join(parts))  # noqa: S704 - every piece of the text escaped


def snippet(text_: str, query: str, language: str) -> Markup:
    """One snippet (Snippets makes a page of them)."""
    return Snippets(query)(text_, language)
