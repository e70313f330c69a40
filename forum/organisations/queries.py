"""What an organisation's page and the organisation list show, each read through the policy's
filters: a practice on a board the reader may not read is not listed, nor is its adoption."""

from sqlalchemy import func, select

from forum import policy
from forum.auth.models import Membership, User
from forum.extensions import db
from forum.practices.models import Adoption, GoodPractice
from forum.regions.models import Organisation, Region
from forum.threads.models import Thread


def organisations_by_region() -> list[tuple[Region, list[Organisation]]]:
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    grouped = {region.id: (region, []) for region in regions}
    for organisation in organisations:
        grouped[organisation.region_id][1].append(organisation)
    return [entry for entry in grouped.values() if entry[1]]


def coordinators(organisation: Organisation) -> list:
    """Rows of id, display_name: the organisation's members, let in and with open accounts."""
    return db.session.execute(
        select(User.id, User.display_name)
        .where(User.organisation_id == organisation.id, User.active.is_(True),
               User.membership == Membership.APPROVED, User.erased_at.is_(None))
        .order_by(User.display_name, User.id)
    ).all()  # fmt: skip


def practices_of(organisation: Organisation, reader) -> list:
    """Rows of thread_id, title, language, maturity, adoption_count: the organisation's good
    practices that the reader may see, newest first."""
    seen = policy.visible_practice_rows(reader)
    return db.session.execute(
        select(Thread.id.label("thread_id"), Thread.title, Thread.language,
               GoodPractice.maturity, GoodPractice.adoption_count)
        .join(Thread, Thread.id == GoodPractice.thread_id)
        .where(GoodPractice.organisation_id == organisation.id, GoodPractice.id.in_(seen))
        .order_by(GoodPractice.created_at.desc(), GoodPractice.id.desc())
    ).all()  # fmt: skip


def tried_by(organisation: Organisation, reader) -> list:
    """Rows of thread_id, title, language (of the thread), comment, comment_language,
    created_at: the practices the organisation tried, of those the reader may see."""
    seen = policy.visible_practice_rows(reader)
    return db.session.execute(
        select(Thread.id.label("thread_id"), Thread.title, Thread.language, Adoption.comment,
               Adoption.language.label("comment_language"), Adoption.created_at)
        .join(GoodPractice, GoodPractice.id == Adoption.practice_id)
        .join(Thread, Thread.id == GoodPractice.thread_id)
        .where(Adoption.organisation_id == organisation.id, GoodPractice.id.in_(seen))
        .order_by(Adoption.created_at.desc(), Adoption.id.desc())
    ).all()  # fmt: skip


def practice_counts(reader) -> dict[int, int]:
    """The good practices the reader may see, counted per organisation id."""
    seen = policy.visible_practice_rows(reader)
    return dict(
        db.session.execute(
            select(GoodPractice.organisation_id, func.count())
            .where(GoodPractice.id.in_(seen))
            .group_by(GoodPractice.organisation_id)
        ).all()
    )
