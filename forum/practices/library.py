"""The good-practice library's reads: a filtered, sorted page of practices with the counts of
every filter value, as rows from statements built once per kind of reader and filter shape.

A filter shape is which filters are set (and how many tags), not their values, which are bound
parameters: the library of a region and the library of another region share their statements.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Select, String, and_, bindparam, cast, func, literal, select, union_all
from sqlalchemy.engine import Row

from forum import policy
from forum.database import paged
from forum.extensions import db
from forum.practices.models import GoodPractice, PracticeCount, PracticeSummary
from forum.regions.models import Organisation, Region
from forum.tags.models import Tag, thread_tag
from forum.tags.queries import THREAD_TAGS
from forum.threads.models import Thread

_practices = GoodPractice.__table__
_summaries = PracticeSummary.__table__
_kept = PracticeCount.__table__
_organisations = Organisation.__table__
_regions = Region.__table__
_threads = Thread.__table__
_tags = Tag.__table__

SORTS = {
    "newest": _practices.c.created_at.desc(),
    "discussed": _threads.c.reply_count.desc(),
}
# Filters beyond this many tags are not applied: no taxonomy path is that long, and a URL with
# hundreds of tags must not build hundreds of statements.
MAX_TAGS = 10


@dataclass(frozen=True)
class Filters:
    tags: tuple[str, ...] = ()
    region: int | None = None
    organisation: int | None = None
    language: str | None = None

    def shape(self) -> tuple:
        return (
            len(self.tags),
            self.region is not None,
            self.organisation is not None,
            self.language is not None,
        )

    def parameters(self) -> dict:
        values = {f"tag_{n}": slug for n, slug in enumerate(self.tags)}
        values.update(region=self.region, organisation=self.organisation, language=self.language)
        return values


@lru_cache(maxsize=256)
def _filtered(reader: policy.Viewer, shape: tuple) -> Select:
    """The practices the reader may see that pass the filters; joins thread and organisation."""
    tag_count, by_region, by_organisation, by_language = shape
    statement = policy.visible_practice_rows(reader).join(
        _organisations, _organisations.c.id == _practices.c.organisation_id
    )
    for n in range(tag_count):
        statement = statement.where(
            _practices.c.thread_id.in_(
                select(thread_tag.c.thread_id)
                .join(_tags, _tags.c.id == thread_tag.c.tag_id)
                .where(_tags.c.slug == bindparam(f"tag_{n}"))
            )
        )
    if by_region:
        statement = statement.where(_organisations.c.region_id == bindparam("region"))
    if by_organisation:
        statement = statement.where(_practices.c.organisation_id == bindparam("organisation"))
    if by_language:
        statement = statement.where(
            _practices.c.id.in_(
                select(_summaries.c.practice_id).where(
                    _summaries.c.language == bindparam("language")
                )
            )
        )
    return statement


def _summary(column):
    """The column of the practice's summary in the reader's language, else of its first by
    language, as GoodPractice.summaries orders them."""
    return (
        select(column)
        .where(_summaries.c.practice_id == _practices.c.id)
        .order_by((_summaries.c.language == bindparam("locale")).desc(), _summaries.c.language)
        .limit(1)
        .scalar_subquery()
    )


@lru_cache(maxsize=256)
def _page(reader: policy.Viewer, shape: tuple, sort: str) -> Select:
    return paged(
        _filtered(reader, shape)
        .with_only_columns(
            _practices.c.id,
            _practices.c.thread_id,
            _practices.c.maturity,
            _practices.c.adoption_count,
            _threads.c.title,
            _threads.c.language,
            _threads.c.reply_count,
            _organisations.c.name.label("organisation_name"),
            _summary(_summaries.c.core_idea).label("core_idea"),
            _summary(_summaries.c.language).label("summary_language"),
            THREAD_TAGS.label("tag_links"),
        )
        .order_by(SORTS[sort], _practices.c.id.desc())
    )


@lru_cache(maxsize=256)
def _facets(reader: policy.Viewer, shape: tuple) -> Select:
    """How many practices pass the filters, and how many of them have each tag, region,
    organisation (with its name) and summary language: rows of (facet, value as text, count,
    name), one UNION ALL for what would be six queries.

    The filtered practices are read once (MATERIALIZED), and each count starts from them: LEFT
    JOIN keeps SQLite from starting at the tags and reading every thread's tags instead. Values
    of None (a practice with no tag or summary) are not counted by count(column).
    """
    ids = (
        _filtered(reader, shape)
        .with_only_columns(
            _practices.c.id,
            _practices.c.thread_id,
            _practices.c.organisation_id,
            _organisations.c.region_id,
            _organisations.c.name,
        )
        .cte("filtered_practice")
        .prefix_with("MATERIALIZED")
    )
    no_name = literal(None, String)

    def counted(facet: str, column, *joins, name=no_name):
        query = select(literal(facet), cast(column, String), func.count(column), name)
        source = ids
        for target, condition in joins:
            source = source.outerjoin(target, condition)
        grouping = (column, name) if name is not no_name else (column,)
        return query.select_from(source).group_by(*grouping)

    total = select(literal("total"), literal(None, String), func.count(), no_name).select_from(ids)
    return union_all(
        total,
        counted(
            "tag",
            _tags.c.slug,
            (thread_tag, thread_tag.c.thread_id == ids.c.thread_id),
            (_tags, _tags.c.id == thread_tag.c.tag_id),
        ),
        counted("region", ids.c.region_id),
        counted("organisation", ids.c.organisation_id, name=ids.c.name),
        counted(
            "language",
            _summaries.c.language,
            (_summaries, _summaries.c.practice_id == ids.c.id),
        ),
    )  # fmt: skip


@dataclass
class Facets:
    """The library's counts over the filtered practices, each filter value's as a dict."""

    total: int = 0
    tag: dict[str, int] = field(default_factory=dict)
    region: dict[int, int] = field(default_factory=dict)
    organisation: dict[int, int] = field(default_factory=dict)
    language: dict[str, int] = field(default_factory=dict)
    # (id, name) of the organisations counted, by name: the organisation filter's choices.
    organisations: list[tuple[int, str]] = field(default_factory=list)


_REGIONS = select(_regions).order_by(_regions.c.position)


def page(user, filters: Filters, *, sort: str, offset: int, limit: int, locale: str) -> list[Row]:
    """Rows of id, thread_id, maturity, adoption_count, title, reply_count, organisation_name,
    and core_idea and summary_language of the summary in `locale`, else the first by language
    (None for a practice with no summary), and the thread's tag_links (tags.queries)."""
    statement = _page(policy.viewer(user), filters.shape(), sort)
    parameters = {**filters.parameters(), "offset": offset, "limit": limit, "locale": locale}
    return db.session.execute(statement, parameters).all()


UNFILTERED = Filters().shape()


@lru_cache(maxsize=256)
def _kept_facets(reader: policy.Viewer) -> Select:
    """The unfiltered library's counts, from those kept per board (PracticeCount): rows of
    (facet, value, count, organisation name, organisation region) as _facets() gives them, with
    the total and the regions' counts left to add up from the organisations'."""
    kept = policy.visible_kept_counts(
        reader, _kept.c.practices, _kept.c.removed_practices, _kept.c.facet, _kept.c.value
    ).subquery()
    organisation = and_(
        kept.c.facet == "organisation", cast(_organisations.c.id, String) == kept.c.value
    )
    return select(
        kept.c.facet,
        kept.c.value,
        kept.c.counted,
        _organisations.c.name,
        _organisations.c.region_id,
    ).select_from(kept.outerjoin(_organisations, organisation))


def _facets_kept(user) -> Facets:
    counts = Facets()
    for facet, value, number, name, region_id in db.session.execute(
        _kept_facets(policy.viewer(user))
    ):
        if not number:  # a board's practices that all went elsewhere
            continue
        if facet == "organisation":
            counts.total += number
            counts.organisation[int(value)] = number
            counts.organisations.append((int(value), name))
            if region_id is not None:
                counts.region[region_id] = counts.region.get(region_id, 0) + number
        else:
            getattr(counts, facet)[value] = number
    counts.organisations.sort(key=lambda organisation: organisation[1])
    return counts


def facets(user, filters: Filters) -> Facets:
    """How many practices the user may see pass the filters, and the counts of each value.

    Unfiltered, from the counts kept per board: a few rows however many practices there are.
    Filtered, counted over the practices that pass the filters."""
    if filters.shape() == UNFILTERED:
        return _facets_kept(user)
    return _facets_counted(user, filters)


def _facets_counted(user, filters: Filters) -> Facets:
    statement = _facets(policy.viewer(user), filters.shape())
    counts = Facets()
    for facet, value, number, name in db.session.execute(statement, filters.parameters()).all():
        if facet == "total":
            counts.total = number
        elif value is None:  # practices with no tag or summary language
            continue
        elif facet in ("region", "organisation"):
            getattr(counts, facet)[int(value)] = number
            if facet == "organisation":
                counts.organisations.append((int(value), name))
        else:
            getattr(counts, facet)[value] = number
    counts.organisations.sort(key=lambda organisation: organisation[1])
    return counts


def regions() -> list[Row]:
    return db.session.execute(_REGIONS).all()
