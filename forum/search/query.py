"""Answering a search: the posts that match, through the policy's visibility filter, ranked,
one entry a thread with its best-matching posts beneath.

Relevance is the databases' own score of the match (FTS5's bm25(), PostgreSQL's ts_rank_cd()),
with a thread's title weighing three times its text; a thread ranks by its best post, and the
newer of two equal ones comes first. "Newest first" orders threads by their newest match instead.
"""

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import (
    Select,
    bindparam,
    cast,
    column,
    distinct,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from forum import policy
from forum.auth.models import User
from forum.boards.models import Board
from forum.search.lexicon import fold
from forum.search.syntax import Item, Phrase, Query, Word, parse
from forum.search.text import facet, word_terms, words
from forum.tags.models import Tag, thread_tag
from forum.threads.models import Post, Thread

SNIPPET_RADIUS = 90
# Characters a snippet shows: its radius on each side of the first match, and a word's room.
_SNIPPET_LENGTH = 2 * SNIPPET_RADIUS + 40
# A thread's entry shows up to this many of its best-matching posts.
POSTS_PER_THREAD = 3
_WORD = re.compile(r"\w+")

_search_index = table("search_index", column("rowid"))
_search_document = table("search_document", column("post_id"), column("terms"))
_posts = Post.__table__
_threads = Thread.__table__
_boards = Board.__table__
_tags = Tag.__table__
_authors = User.__table__
# The filters asked of each match's row, in the order of a statement's filter shape; board,
# region, tag, author and language are asked of the index as facets instead (_facets()).
_FILTERS = ("since", "until")
ORDERS = ("relevance", "newest")


@dataclass
class Filters:
    board: str = ""
    region: int | None = None
    tag: str = ""
    author: int | None = None
    language: str = ""
    since: date | None = None
    until: date | None = None


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


def _prefixes(query: Query) -> list[str]:
    items = query.items() + list(query.excluded)
    return sorted({item.prefix for item in items if isinstance(item, Word) and item.prefix})


def _indexed_terms(session, query: Query) -> dict[str, list[str] | None]:
    """For each prefix, the index's terms that it begins; None for a prefix of more than
    MOST_TERMS_A_PREFIX terms."""
    prefixes = _prefixes(query)
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


def _fts5_item(item: Item, indexed: dict[str, list[str] | None]) -> str:
    """FTS5 answers a prefix ("koordinaat"*) by first collecting every post of every term it
    stands for; the same terms named ("koordinaattori" OR "koordinaattorit") cost only their
    own posts. A prefix of many terms stays a prefix; one of none adds nothing."""
    if isinstance(item, Phrase):
        # The words column holds words without diacritics; a word typed with them must also be
        # one of the post's terms.
        exact = [f'{{title body}} : "{word}"' for word in item.words if fold(word) != word]
        return "(" + " AND ".join(['words : "' + " ".join(item.folded) + '"', *exact]) + ")"
    named = set(item.terms)
    prefixes = []
    if item.prefix:
        beginning = indexed.get(item.prefix)
        if beginning is None:
            prefixes.append(item.prefix)
        else:
            named.update(beginning)
    parts = [f'"{term}"' for term in sorted(named)] + [f'"{prefix}"*' for prefix in prefixes]
    return "{title body} : (" + " OR ".join(parts) + ")"


def _fts5_query(
    query: Query, indexed: dict[str, list[str] | None], facets: list[list[str]] = ()
) -> str:
    """SQLite's MATCH text; each list of facets is one filter, any of whose tokens will do."""
    found = " AND ".join(
        "(" + " OR ".join(_fts5_item(item, indexed) for item in clause) + ")"
        for clause in query.clauses
    )
    filtered = "".join(
        " AND facets : (" + " OR ".join(f'"{token}"' for token in tokens) + ")" for tokens in facets
    )
    excluded = "".join(f" NOT {_fts5_item(item, indexed)}" for item in query.excluded)
    return f"({found}){filtered}{excluded}"


def _tsquery_item(item: Item) -> str:
    if isinstance(item, Phrase):
        # Words in order are lexemes marked with "=" (forum.search.index), apart from terms.
        exact = [f"'{word}'" for word in item.words if fold(word) != word]
        phrase = " <-> ".join(f"'={word}'" for word in item.folded)
        return "(" + " & ".join([f"({phrase})", *exact]) + ")"
    terms = [f"'{term}'" for term in sorted(item.terms)]
    return "(" + " | ".join(terms + ([f"'{item.prefix}':*"] if item.prefix else [])) + ")"


def _tsquery_found(query: Query) -> str:
    """The words a post must have, without filters or exclusions: what ts_rank_cd() scores (a
    facet has no position, so a query naming one scored every post 0)."""
    return " & ".join(
        "(" + " | ".join(_tsquery_item(item) for item in clause) + ")" for clause in query.clauses
    )


def _tsquery(query: Query, facets: list[list[str]] = ()) -> str:
    """PostgreSQL's tsquery, with the same meaning: terms and words are letters and digits, so
    each is quoted as it is; facets are marked with "#"."""
    found = _tsquery_found(query)
    filtered = "".join(
        " & (" + " | ".join(f"'#{token}'" for token in tokens) + ")" for tokens in facets
    )
    excluded = "".join(f" & !{_tsquery_item(item)}" for item in query.excluded)
    return f"({found}){filtered}{excluded}"


def _facets(session, filters: Filters) -> list[list[str]]:
    """The index's facets the filters ask for: board and region as the boards they stand for,
    a tag by its id (none such: a board or tag that does not exist, which no post has)."""
    facets = []
    if filters.tag:
        tag = session.scalar(select(_tags.c.id).where(_tags.c.slug == filters.tag))
        facets.append([facet("t", tag or 0)])
    if filters.language:
        facets.append([facet("l", filters.language)])
    if filters.author:
        facets.append([facet("a", filters.author)])
    if filters.board or filters.region:
        boards = select(_boards.c.id)
        if filters.board:
            boards = boards.where(_boards.c.slug == filters.board)
        if filters.region:
            boards = boards.where(_boards.c.region_id == filters.region)
        facets.append([facet("b", board) for board in session.scalars(boards)] or [facet("b", 0)])
    return facets


_APPROVED_TAG_LABELS = select(_tags.c.id, _tags.c.name_fi, _tags.c.name_sv, _tags.c.name_en).where(
    _tags.c.status == "approved"
)


def _tags_named(session, text_: str) -> list[int]:
    """Tags whose label the query is in any language: the three labels of a tag are synonyms
    ("work try-out" finds threads tagged "työkokeilu")."""
    wanted = words(text_)
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

    # Rows of a page of threads, each with up to POSTS_PER_THREAD of its posts, best first;
    # each row also says how many threads were found (threads_found), and whether they are only
    # those of the newest CANDIDATES matching posts (capped).
    page: Select
    count: Select  # the same two numbers, for a page past the last one

    parameters: dict
    query: Query
    candidates: int


def search(
    session, user, text_: str, filters: Filters, *, locale: str, order: str = "relevance"
) -> Search | None:
    """The visible posts that match, a page of threads at a time; None for a query with no
    words."""
    query = parse(text_)
    if query is None:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # To the end of the transaction: a search's statements are planned for their own
        # parameters (psycopg prepares a statement on the server after its fifth run on a
        # connection, and PostgreSQL's generic plan then read every match: a search that found
        # nothing took 13 ms instead of 2), and without parallel workers (starting them, on a
        # host busy with other requests, took the language filter from 34 to 53 ms at p50 at
        # 103,000 posts). The other pages keep their prepared plans.
        session.execute(_SEARCH_SETTINGS)
    # A tag's label finds the tagged threads only when it is the whole query, without syntax.
    plain = not query.excluded and all(isinstance(item, Word) for item in query.items())
    tag_ids = _tags_named(session, text_) if plain else []
    facets = _facets(session, filters)
    parameters = {}
    if dialect == "sqlite":
        match = _fts5_query(query, _indexed_terms(session, query), facets)
    else:
        match = _tsquery(query, facets)
        parameters["ranked"] = _tsquery_found(query)
    parameters |= {
        "match": match,
        "tag_ids": tag_ids,
        "since": _day_start(filters.since) if filters.since else None,
        "until": _day_start(filters.until + timedelta(days=1)) if filters.until else None,
    }
    shape = tuple(bool(getattr(filters, name)) for name in _FILTERS)
    reader = policy.viewer(user)
    page, count = _statements(reader, dialect, bool(tag_ids), shape, locale, order)
    return Search(page, count, parameters, query, CANDIDATES)


# A thread tagged with the tag the query names ranks above every match of its words.
_TAGGED_SCORE = -1e9
# Ranking reads the newest this many matching posts at most: a word in most posts would have
# every one of them scored, joined and grouped before the first page (FTS5 alone took 102 ms to
# score a word's 100,000 posts in the large data set). A rarer query is ranked whole.
CANDIDATES = 2000
# Threads tagged with the tag a query names come first: the newest this many of them.
TAGGED_CANDIDATES = 200
_TSQUERY = cast(bindparam("match"), TSQUERY)
_SEARCH_SETTINGS = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
    " set_config('max_parallel_workers_per_gather', '0', true)"
)


def _candidates(visible: Select, dialect: str) -> Select:
    """The newest CANDIDATES matching posts, with their score (better the lower)."""
    if dialect == "sqlite":
        # The index walks its matches newest first, so a page stops after its candidates, and
        # bm25() (negative, better the lower; columns title, body, words, facets) is worked out
        # only for those.
        return (
            visible.join(_search_index, _search_index.c.rowid == _posts.c.id)
            .where(text("search_index MATCH :match"))
            .with_only_columns(
                _posts.c.id,
                _posts.c.thread_id,
                literal_column("bm25(search_index, 3.0, 1.0, 1.0, 0.0)").label("score"),
            )
            .order_by(_search_index.c.rowid.desc())
            .limit(CANDIDATES)
        )
    # ts_rank_cd() is positive, better the higher: negated to sort as bm25() does. Weights are
    # {D, C, B, A}: words, unused, text, title; 1 divides by the log of the document's length,
    # as bm25 weighs a match in a short text above one in a long text. Worked out as the newest
    # matches are walked, from the document that the match already read: scored in a join of
    # its own, PostgreSQL read the whole index to hash it (12 ms at 11,000 posts).
    score = -func.ts_rank_cd(
        literal_column("'{0.3, 0, 0.3, 1.0}'::float4[]"),
        _search_document.c.terms,
        cast(bindparam("ranked"), TSQUERY),
        1,
    )
    return (
        visible.join(_search_document, _search_document.c.post_id == _posts.c.id)
        .where(_search_document.c.terms.op("@@")(_TSQUERY))
        .with_only_columns(_posts.c.id, _posts.c.thread_id, score.label("score"))
        .order_by(_posts.c.id.desc())
        .limit(CANDIDATES)
    )


@lru_cache(maxsize=256)
def _statements(
    reader: policy.Viewer, dialect: str, by_tag_label: bool, shape: tuple, locale: str, order: str
) -> tuple[Select, Select]:
    visible = policy.visible_post_rows(reader).where(
        _posts.c.status == "visible", _threads.c.removed.is_(False)
    )
    conditions = {
        "since": _posts.c.created_at >= bindparam("since"),
        "until": _posts.c.created_at < bindparam("until"),
    }
    for name, wanted in zip(_FILTERS, shape, strict=True):
        if wanted:
            visible = visible.where(conditions[name])
    matched = _candidates(visible, dialect)
    if by_tag_label:
        # The tag's newest threads first, then their openings: joining every tagged thread to
        # its board before sorting grew with the forum (a tag on 2,000 threads, 23 ms).
        newest_tagged = (
            select(thread_tag.c.thread_id)
            .where(thread_tag.c.tag_id.in_(bindparam("tag_ids", expanding=True)))
            .order_by(thread_tag.c.thread_id.desc())
            .limit(TAGGED_CANDIDATES)
        )
        tagged = visible.where(
            _posts.c.depth == 0, _posts.c.thread_id.in_(newest_tagged)
        ).with_only_columns(_posts.c.id, _posts.c.thread_id, literal(_TAGGED_SCORE).label("score"))
        either = union_all(*(select(part.subquery()) for part in (matched, tagged))).subquery()
        matched = select(either.c.id, either.c.thread_id, func.min(either.c.score).label("score"))
        matched = matched.group_by(either.c.id, either.c.thread_id)
    matches = matched.cte("matches")
    threads = (
        select(
            matches.c.thread_id,
            func.min(matches.c.score).label("best"),
            func.max(matches.c.id).label("newest"),
            func.count().label("matching"),
        )
        .group_by(matches.c.thread_id)
        .subquery()
    )
    if order == "newest":
        thread_order = (threads.c.newest.desc(),)
        post_order = (matches.c.id.desc(),)
    else:
        thread_order = (threads.c.best, threads.c.newest.desc())
        post_order = (matches.c.score, matches.c.id.desc())
    page_threads = (
        select(threads)
        .order_by(*thread_order, threads.c.thread_id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
        .cte("page_threads")
    )
    # The page's threads joined to their rows here, where PostgreSQL knows them to be a page:
    # joined to the page's posts, of which it guessed 200, it read all threads into a hash
    # (8 ms at 22,000 threads).
    listed = (
        select(
            page_threads,
            _threads.c.title,
            _threads.c.language.label("title_language"),
            _boards.c[f"name_{locale}"].label("board_name"),
        )
        .join(_threads, _threads.c.id == page_threads.c.thread_id)
        .join(_boards, _boards.c.id == _threads.c.board_id)
        .cte("listed")
    )
    # The page's threads' matches placed within their thread, then joined to the threads' rows:
    # joined first, SQLite walked all the matches once for each thread of the page (2,000 x 20;
    # the statement 4.9 -> 3.9 ms); the IN is a lookup in the page's few threads.
    placed = (
        select(
            matches.c.id,
            matches.c.thread_id,
            func.row_number()
            .over(partition_by=matches.c.thread_id, order_by=post_order)
            .label("place"),
        )
        .where(matches.c.thread_id.in_(select(page_threads.c.thread_id)))
        .subquery()
    )
    ranked = (
        select(
            placed.c.id,
            listed.c.thread_id,
            listed.c.best,
            listed.c.newest,
            listed.c.matching,
            listed.c.title,
            listed.c.title_language,
            listed.c.board_name,
            placed.c.place,
        )
        .join(listed, listed.c.thread_id == placed.c.thread_id)
        .subquery()
    )
    # Counted with the page, from the same matches: the count is no second walk of the index.
    threads_found = select(func.count(distinct(matches.c.thread_id))).scalar_subquery()
    capped = select(func.count() >= CANDIDATES).select_from(matches).scalar_subquery()
    if order == "newest":
        page_order = (ranked.c.newest.desc(),)
    else:
        page_order = (ranked.c.best, ranked.c.newest.desc())
    page = (
        select(
            _posts.c.id,
            _posts.c.language,
            _posts.c.body_text,
            _posts.c.created_at,
            ranked.c.thread_id,
            ranked.c.matching,
            threads_found.label("threads_found"),
            capped.label("capped"),
            ranked.c.title,
            ranked.c.title_language,
            _authors.c.display_name.label("author_name"),
            ranked.c.board_name,
        )
        .select_from(ranked)
        .join(_posts, _posts.c.id == ranked.c.id)
        .join(_authors, _authors.c.id == _posts.c.author_id)
        .where(ranked.c.place <= POSTS_PER_THREAD)
        .order_by(*page_order, ranked.c.thread_id, ranked.c.place)
    )
    # Threads among the candidates, and whether there were more matches than candidates.
    count = select(
        func.count(distinct(matches.c.thread_id)), func.count() >= CANDIDATES
    ).select_from(matches)
    return page, count


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class Snippets:
    """Snippets of one query's results: short pieces of each text around its first match, with
    every matching word marked.

    A word matches when one of its index terms in the post's language is one of the query's
    words' terms, or begins with one of their prefixes, or when it is a word of one of its
    phrases: the rules the index applies. A results page makes up to sixty snippets whose words
    repeat, so each word's verdict is worked out once a page.
    """

    def __init__(self, query: Query | None):
        items = query.items() if query else []
        found = [item for item in items if isinstance(item, Word)]
        self._terms = frozenset(term for item in found for term in item.terms)
        self._prefixes = tuple(item.prefix for item in found if item.prefix)
        self._phrase_words = frozenset(
            word for item in items if isinstance(item, Phrase) for word in item.words
        )
        # Per language, each word seen so far and whether it matches.
        self._verdicts: dict[str, dict[str, bool]] = {}

    def _judge(self, word: str, language: str, verdicts: dict[str, bool]) -> bool:
        lowered = word.lower()
        verdict = (
            lowered.startswith(self._prefixes)
            or lowered in self._phrase_words
            or fold(lowered) in self._phrase_words
            or not self._terms.isdisjoint(word_terms(lowered, language))
        )
        verdicts[word] = verdict
        return verdict

    def __call__(self, text_: str, language: str) -> Markup:
        verdicts = self._verdicts.setdefault(language, {})
        # One pass over the words: up to the first match, then to the end of its window. A
        # word already judged on this page is a dictionary lookup (sixty snippets of a page
        # look at about 1,600 words).
        start, end = 0, _SNIPPET_LENGTH
        marked = []
        for match in _WORD.finditer(text_) if self._terms or self._phrase_words else ():
            if marked and match.end() > end:
                break
            word = match.group()
            verdict = verdicts.get(word)
            if verdict is None:
                verdict = self._judge(word, language, verdicts)
            if not verdict:
                continue
            if not marked:  # the first match opens the window
                start = max(0, match.start() - SNIPPET_RADIUS)
                end = start + _SNIPPET_LENGTH
                if match.end() > end:
                    break
            marked.append(match)
        parts = ["…"] if start else []
        last = start
        for match in marked:
            parts += [html.escape(text_[last : match.start()]),
                      f"<mark>{html.escape(match.group())}</mark>"]  # fmt: skip
            last = match.end()
        parts.append(html.escape(text_[last:end]))
        if end < len(text_):
            parts.append("…")
        return Markup("".join(parts))  # noqa: S704 - every piece of the text escaped


def snippet(text_: str, query: str, language: str) -> Markup:
    """One snippet (Snippets makes a page of them)."""
    return Snippets(parse(query))(text_, language)
