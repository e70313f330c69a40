"""Reading the taxonomy: pickers, counts and messages shared by the pages that tag threads."""

from dataclasses import dataclass, field
from functools import lru_cache, reduce
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, String, bindparam, cast, exists, func, select
from sqlalchemy.engine import Row

from forum import policy
from forum.config import SUPPORTED_LOCALES
from forum.extensions import db
from forum.i18n import current_locale, localized
from forum.speedups.urls import url_prefix
from forum.tags.actions import MissingRequiredTags
from forum.tags.models import Tag, TagBoardCount, TagGroup, thread_tag
from forum.threads.listing import LISTED_COLUMNS, LISTINGS, MOST_RECENT_FIRST
from forum.threads.models import Thread


@dataclass
class ShownGroup:
    """A tag group as pickers and listings show it, with its tags as rows of the tag table."""

    id: int
    slug: str
    name_fi: str
    name_sv: str
    name_en: str
    required: bool
    shown_tags: list[Row] = field(default_factory=list)


_groups = TagGroup.__table__
_tags = Tag.__table__
_TAXONOMY = (
    select(
        _groups.c.id.label("group_id"),
        _groups.c.slug.label("group_slug"),
        _groups.c.name_fi.label("group_name_fi"),
        _groups.c.name_sv.label("group_name_sv"),
        _groups.c.name_en.label("group_name_en"),
        _groups.c.required,
        *(
            _tags.c[name]
            for name in (
                "id",
                "slug",
                "status",
                "name_fi",
                "name_sv",
                "name_en",
                "description_fi",
                "description_sv",
                "description_en",
            )
        ),
    )
    .select_from(_groups.outerjoin(_tags, _tags.c.group_id == _groups.c.id))
    .order_by(_groups.c.position, _groups.c.id, _tags.c.position, _tags.c.id)
)


def tag_groups(*, include_proposed: bool = False) -> list[ShownGroup]:
    """Groups with their tags, for pickers and the tag index: the whole taxonomy in one query
    of plain rows (a page showing it built a hundred ORM objects)."""
    groups: list[ShownGroup] = []
    # .all(): one fetch, where iterating a result fetches row by row
    for row in db.session.execute(_TAXONOMY).all():
        if not groups or groups[-1].id != row.group_id:
            groups.append(
                ShownGroup(row.group_id, row.group_slug, row.group_name_fi, row.group_name_sv,
                           row.group_name_en, row.required)
            )  # fmt: skip
        if row.id is not None and (include_proposed or row.status == "approved"):
            groups[-1].shown_tags.append(row)
    return groups


def tag_choices() -> list[tuple[int, str]]:
    return [(tag.id, localized(tag, "name")) for group in tag_groups() for tag in group.shown_tags]


def visible_tag_counts(user) -> dict[int, int]:
    """How many threads the user may see carry each tag."""
    return dict(db.session.execute(policy.visible_tag_counts(user)).all())


def visible_tag_count(user, tag_id: int) -> int:
    """How many threads the user may see carry the tag."""
    row = db.session.execute(_one_tag_count(policy.viewer(user)), {"tag_id": tag_id}).first()
    return row.counted if row else 0


@lru_cache(maxsize=512)
def _one_tag_count(reader: policy.Viewer) -> Select:
    counts = TagBoardCount.__table__
    return policy.visible_tag_counts(reader).where(counts.c.tag_id == bindparam("tag_id"))


def missing_groups_message(error: MissingRequiredTags) -> str:
    names = ", ".join(localized(group, "name") for group in error.groups)
    return _("Choose at least one tag from each required group: %(groups)s.", groups=names)


class TagLink(NamedTuple):
    url: str
    name: str


def listed_tag_links(rows: list[Row], *, thread_id: str = "id") -> dict[int, list[TagLink]]:
    """Each listed thread's tags, in the taxonomy's order, as links in the reader's language:
    from the tag_links column of their rows (forum.threads.listing.thread_rows, or a listing
    of its own that reads THREAD_TAGS as tag_links), the thread's id in the column
    `thread_id`. No statement of its own."""
    return _as_links(_in_order((getattr(row, thread_id), row.tag_links) for row in rows))


def thread_tag_links(thread: policy.ThreadRow) -> list[TagLink] | None:
    """listed_tag_links() of the thread page's thread, from its row
    (policy.get_thread_row_or_404)."""
    return _as_links(_in_order([(thread.id, thread.added["tag_links"])])).get(thread.id)


def _as_links(tags: list[tuple[int, str, str]]) -> dict[int, list[TagLink]]:
    """(thread id, slug, label) in the taxonomy's order, as each thread's links."""
    tag_page = url_prefix("tags.show", "slug")  # slugs are made of a-z, 0-9 and "-"
    links: dict[str, TagLink] = {}
    by_thread: dict[int, list[TagLink]] = {}
    for thread_id, slug, label in tags:
        link = links.get(slug)
        if link is None:  # once a tag, not once a thread that carries it
            link = links[slug] = TagLink(tag_page + slug, label)
        by_thread.setdefault(thread_id, []).append(link)
    return by_thread


def _in_order(threads) -> list[tuple[int, str, str]]:
    """(thread id, slug, label in the reader's language) of the threads' tags, from each
    thread's THREAD_TAGS, in the taxonomy's order."""
    label = 3 + SUPPORTED_LOCALES.index(current_locale())
    tags = []
    for thread_id, records in threads:
        for record in records.split(_RECORD) if records else ():
            fields = record.split(_FIELD)
            tags.append((int(fields[0]), int(fields[1]), thread_id, fields[2], fields[label]))
    tags.sort()
    return [(thread_id, slug, name) for _position, _id, thread_id, slug, name in tags]


# Separators of a thread's tags in one string: control characters, which no label holds.
_FIELD, _RECORD = "\x1f", "\x1e"
# A thread's tags in one string, read in its row by listings and the thread page: each tag's
# position, id, slug and labels in the three languages. Put in order in Python: SQLite's
# group_concat() takes no ORDER BY.
_TAG_FIELDS = [cast(_tags.c.position, String), cast(_tags.c.id, String), _tags.c.slug,
               *(_tags.c[f"name_{locale}"] for locale in SUPPORTED_LOCALES)]  # fmt: skip
THREAD_TAGS = (
    select(func.aggregate_strings(reduce(lambda left, right: left + _FIELD + right, _TAG_FIELDS),
                                  _RECORD))
    .select_from(thread_tag.join(_tags, _tags.c.id == thread_tag.c.tag_id))
    .where(thread_tag.c.thread_id == Thread.__table__.c.id)
    .scalar_subquery()
)  # fmt: skip
LISTED_COLUMNS["tag_links"] = THREAD_TAGS
policy.THREAD_ROW_COLUMNS["tag_links"] = THREAD_TAGS


_thread_ids = Thread.__table__.c.id
_IN_TAG = _thread_ids.in_(
    select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == bindparam("tag_id"))
)
LISTINGS.update(
    {
        # tag_id: the tag's own threads, sorted (a rare tag)
        "tag": ((_IN_TAG,), MOST_RECENT_FIRST),
        # tag_id: threads newest first, keeping the tagged ones (a common tag: the walk stops
        # at the page instead of sorting every tagged thread)
        "tag, walking recent threads": (
            (
                exists().where(
                    thread_tag.c.thread_id == _thread_ids,
                    thread_tag.c.tag_id == bindparam("tag_id"),
                ),
            ),
            MOST_RECENT_FIRST,
        ),
    }
)
