"""Reading the taxonomy: pickers, counts and messages shared by the pages that tag threads."""

from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import Row

from forum import policy
from forum.extensions import db
from forum.i18n import localized
from forum.tags.actions import MissingRequiredTags
from forum.tags.models import Tag, TagBoardCount, TagGroup


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
