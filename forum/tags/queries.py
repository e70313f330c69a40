"""Reading the taxonomy: pickers, counts and messages shared by the pages that tag threads."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import policy
from forum.extensions import db
from forum.i18n import localized
from forum.tags.actions import MissingRequiredTags
from forum.tags.models import TagGroup, thread_tag
from forum.threads.models import Thread


def tag_groups(*, include_proposed: bool = False) -> list[TagGroup]:
    """Groups with their tags, for pickers and the tag index."""
    groups = db.session.scalars(
        select(TagGroup).options(joinedload(TagGroup.tags)).order_by(TagGroup.position)
    ).unique()
    result = []
    for group in groups:
        group.shown_tags = [t for t in group.tags if include_proposed or t.status == "approved"]
        result.append(group)
    return result


def tag_choices() -> list[tuple[int, str]]:
    return [(tag.id, localized(tag, "name")) for group in tag_groups() for tag in group.shown_tags]


def visible_tag_counts(user) -> dict[int, int]:
    """How many threads the user may see carry each tag."""
    counted = (
        policy.visible_threads(user)
        .join(thread_tag, thread_tag.c.thread_id == Thread.id)
        .with_only_columns(thread_tag.c.tag_id, func.count())
        .group_by(thread_tag.c.tag_id)
    )
    return dict(db.session.execute(counted).all())


def missing_groups_message(error: MissingRequiredTags) -> str:
    names = ", ".join(localized(group, "name") for group in error.groups)
    return _("Choose at least one tag from each required group: %(groups)s.", groups=names)
