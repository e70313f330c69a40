"""The initial assessment (alkukartoitus): written by an organisation's coordinators, one
version after another, each kept; read as policy.visible_assessments() allows."""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from forum import policy
from forum.database import add_unique, begin_write, utcnow
from forum.extensions import db
from forum.i18n import localized
from forum.organisations.models import ASSESSMENT_ANSWERS, Assessment
from forum.regions.models import Organisation, Region
from forum.tags.models import Tag, TagGroup
from forum.threads.actions import NotAllowed

# The taxonomy's groups whose tags name services, benefits and tools: what the fourth
# question asks about.
NEED_GROUPS = ("tool-category", "tool")


class WrittenMeanwhile(Exception):
    """Another coordinator saved a new version at the same moment: look at it and try again."""


def assess(organisation: Organisation, *, by, language: str, answers: dict, need_ids,
           shared: bool) -> Assessment:  # fmt: skip
    """Save a new version of the organisation's assessment; the earlier ones stay."""
    begin_write()
    if not policy.can(by, "assessment.write", organisation):
        db.session.rollback()
        raise NotAllowed
    latest = db.session.scalar(
        select(func.max(Assessment.version)).where(Assessment.organisation_id == organisation.id)
    )
    needs = db.session.scalars(
        select(Tag).join(Tag.group)
        .where(Tag.id.in_(list(need_ids)), Tag.status == "approved",
               TagGroup.slug.in_(NEED_GROUPS))
    ).all()  # fmt: skip
    assessment = Assessment(
        organisation_id=organisation.id, version=(latest or 0) + 1, author_id=by.id,
        created_at=utcnow(), language=language, shared_with_members=shared, needs=list(needs),
        **{name: (answers.get(name) or "").strip() for name in ASSESSMENT_ANSWERS},
    )  # fmt: skip
    add_unique(assessment, WrittenMeanwhile)
    db.session.commit()
    return assessment


def set_shared(assessment: Assessment, *, by, shared: bool) -> None:
    """Share a version with every member, or only with the organisation and staff again."""
    begin_write()
    assessment = db.session.get(Assessment, assessment.id)
    if not policy.can(by, "assessment.write", assessment.organisation):
        db.session.rollback()
        raise NotAllowed
    assessment.shared_with_members = shared
    db.session.commit()


def versions(organisation: Organisation, reader) -> list[Assessment]:
    """The versions of the organisation's assessment the reader may read, newest first."""
    return db.session.scalars(
        policy.visible_assessments(reader)
        .where(Assessment.organisation_id == organisation.id)
        .order_by(Assessment.version.desc())
    ).all()


def need_choices() -> list[tuple[int, str]]:
    tags = db.session.scalars(
        select(Tag).join(Tag.group)
        .where(Tag.status == "approved", TagGroup.slug.in_(NEED_GROUPS))
        .order_by(TagGroup.position, Tag.position, Tag.id)
    ).all()  # fmt: skip
    return [(tag.id, localized(tag, "name")) for tag in tags]


def _latest_readable(reader):
    """The newest version of each organisation's assessment that the reader may read."""
    readable = policy.visible_assessments(reader).subquery()
    newest = (
        select(readable.c.organisation_id, func.max(readable.c.version).label("version"))
        .group_by(readable.c.organisation_id)
        .subquery()
    )
    return (
        select(Assessment)
        .join(newest, (newest.c.organisation_id == Assessment.organisation_id)
              & (newest.c.version == Assessment.version))
    )  # fmt: skip


def needs_by_region(reader, *, region_id: int | None = None) -> dict:
    """What information the organisations ask for most, from the newest assessment of each
    that the reader may read (of one region, or all): {"regions": [Region], "rows":
    [(tag, {region_id: count}, total)], most asked first, "answers": [Assessment]}."""
    statement = (
        _latest_readable(reader)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .options(contains_eager(Assessment.organisation), selectinload(Assessment.needs))
        .order_by(Organisation.name)
    )
    if region_id is not None:
        statement = statement.where(Organisation.region_id == region_id)
    assessments = db.session.scalars(statement).all()
    counts: dict[int, dict[int, int]] = {}
    tags: dict[int, Tag] = {}
    for assessment in assessments:
        for tag in assessment.needs:
            tags[tag.id] = tag
            per_region = counts.setdefault(tag.id, {})
            region = assessment.organisation.region_id
            per_region[region] = per_region.get(region, 0) + 1
    rows = sorted(
        ((tags[tag_id], per_region, sum(per_region.values()))
         for tag_id, per_region in counts.items()),
        key=lambda row: (-row[2], row[0].position, row[0].id),
    )  # fmt: skip
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    return {"regions": regions, "rows": rows, "answers": assessments}
