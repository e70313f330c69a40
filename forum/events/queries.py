"""Reads of events that pages and calendars share, each through policy.visible_events()."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from forum import policy
from forum.auth.models import User
from forum.database import utcnow
from forum.events.models import Event, Registration, RegistrationStatus
from forum.extensions import db

PAST_SHOWN = 20
# How far back a calendar feed reaches: the last weeks' events stay in the reader's calendar.
FEED_PAST = timedelta(days=60)


def upcoming(reader, *, region_id: int | None = None, offset: int = 0,
             limit: int | None = None) -> list[Event]:  # fmt: skip
    """Events not yet over, soonest first; of one region (and the national ones), or all."""
    statement = _in_region(_upcoming(reader), region_id).order_by(Event.starts_at, Event.id)
    return db.session.scalars(
        statement.options(joinedload(Event.region)).offset(offset).limit(limit)
    ).all()


def upcoming_count(reader, *, region_id: int | None = None) -> int:
    statement = _in_region(_upcoming(reader), region_id).with_only_columns(func.count())
    return db.session.scalar(statement)


def _upcoming(reader):
    return policy.visible_events(reader).where(Event.ends_at > utcnow())


def past(reader, *, region_id: int | None = None) -> list[Event]:
    statement = policy.visible_events(reader).where(Event.ends_at <= utcnow())
    return db.session.scalars(
        _in_region(statement, region_id).options(joinedload(Event.region))
        .order_by(Event.starts_at.desc()).limit(PAST_SHOWN)
    ).all()  # fmt: skip


def for_feed(reader, *, region_id: int | None = None, public_only: bool = False) -> list[Event]:
    statement = policy.visible_events(reader).where(Event.ends_at > utcnow() - FEED_PAST)
    if public_only:
        statement = statement.where(Event.audience == "public")
    return db.session.scalars(_in_region(statement, region_id).order_by(Event.starts_at)).all()


def _in_region(statement, region_id):
    if region_id is None:
        return statement
    return statement.where((Event.region_id == region_id) | Event.region_id.is_(None))


def places_taken(event_ids) -> dict[int, int]:
    """Confirmed places per event id."""
    if not event_ids:
        return {}
    return dict(
        db.session.execute(
            select(Registration.event_id, func.count())
            .where(Registration.event_id.in_(list(event_ids)),
                   Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(Registration.event_id)
        ).all()
    )  # fmt: skip


def registration_of(event: Event, user) -> Registration | None:
    return db.session.get(Registration, (event.id, user.id))


def people_signed_up(event: Event) -> list[Registration]:
    """Everyone signed up, places first, then the waiting list in its order."""
    return db.session.scalars(
        select(Registration).join(User, User.id == Registration.user_id)
        .options(contains_eager(Registration.user))
        .where(Registration.event_id == event.id)
        .order_by(Registration.status, Registration.created_at, Registration.user_id)
    ).all()  # fmt: skip
