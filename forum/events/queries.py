"""Reads of events that pages and calendars share, each through policy.visible_events()."""

from datetime import timedelta
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import contains_eager

from forum import policy
from forum.auth.models import User
from forum.database import UTCDateTime, paged, utcnow
from forum.events.models import Event, EventStatus, Registration, RegistrationStatus
from forum.extensions import db

PAST_SHOWN = 20
# How far back a calendar feed reaches: the last weeks' events stay in the reader's calendar.
FEED_PAST = timedelta(days=60)

_events = Event.__table__
_registrations = Registration.__table__
_NOW = bindparam("now", type_=UTCDateTime())
# The listing shows an event's places left: counted in its row, a statement fewer than a count
# for a list of the page's events, which PostgreSQL planned again for every page.
_PLACES_TAKEN = (
    select(func.count())
    .where(_registrations.c.event_id == _events.c.id,
           _registrations.c.status == RegistrationStatus.CONFIRMED)
    .scalar_subquery()
)  # fmt: skip
_UPCOMING_COLUMNS = (
    _events.c.id, _events.c.title, _events.c.language, _events.c.starts_at, _events.c.ends_at,
    _events.c.place, _events.c.region_id, _events.c.capacity,
    (_events.c.status == EventStatus.CANCELLED).label("cancelled"),
    _PLACES_TAKEN.label("places_taken"),
)  # fmt: skip
_PAST_COLUMNS = (_events.c.id, _events.c.title, _events.c.language, _events.c.starts_at,
                 _events.c.thread_id)  # fmt: skip
# Bounds on the start that the end implies, so that the listings walk the index of starts from
# where they begin instead of through every event the programme has had: an event that is
# over started before now (ends_after_start), and one still to come started no earlier than
# the first start among those still to come, found through the index of ends. (The minimum
# of a bare starts_at would be read from the index of starts, oldest first: both databases
# would walk the past again; of an expression, it is taken over the events still to come.)
_STILL_TO_COME = _events.alias("still_to_come")
_UPCOMING_FROM = (
    select(func.min(func.coalesce(_STILL_TO_COME.c.starts_at, _STILL_TO_COME.c.ends_at)))
    .where(_STILL_TO_COME.c.ends_at > _NOW)
    .scalar_subquery()
)
_UPCOMING = (_events.c.ends_at > _NOW, _events.c.starts_at >= _UPCOMING_FROM)
_PAST = (_events.c.ends_at <= _NOW, _events.c.starts_at < _NOW)


def upcoming_rows(reader, *, region_id: int | None = None, offset: int = 0,
                  limit: int) -> list[Row]:  # fmt: skip
    """Events not yet over, soonest first, of one region (and the national ones) or of all:
    rows of what the events page lists, with the places taken."""
    statement = _upcoming_statement(policy.viewer(reader), region_id is not None)
    return db.session.execute(statement, {"now": utcnow(), "region_id": region_id,
                                          "offset": offset, "limit": limit}).all()  # fmt: skip


def upcoming_count(reader, *, region_id: int | None = None) -> int:
    statement = _upcoming_count_statement(policy.viewer(reader), region_id is not None)
    return db.session.scalar(statement, {"now": utcnow(), "region_id": region_id})


def past_rows(reader, *, region_id: int | None = None) -> list[Row]:
    """The latest events that are over, newest first: rows of what the events page lists."""
    statement = _past_statement(policy.viewer(reader), region_id is not None)
    return db.session.execute(statement, {"now": utcnow(), "region_id": region_id}).all()


# Built once for each kind of reader and filter, as the thread listings are
# (forum.threads.listing): building a statement cost the events page more than running it.
@lru_cache(maxsize=256)
def _upcoming_statement(reader: policy.Viewer, in_region: bool) -> Select:
    return paged(
        _listed(reader, in_region, *_UPCOMING)
        .with_only_columns(*_UPCOMING_COLUMNS)
        .order_by(_events.c.starts_at, _events.c.id)
    )


@lru_cache(maxsize=256)
def _upcoming_count_statement(reader: policy.Viewer, in_region: bool) -> Select:
    return _listed(reader, in_region, _events.c.ends_at > _NOW).with_only_columns(func.count())


@lru_cache(maxsize=256)
def _past_statement(reader: policy.Viewer, in_region: bool) -> Select:
    return (
        _listed(reader, in_region, *_PAST)
        .with_only_columns(*_PAST_COLUMNS)
        .order_by(_events.c.starts_at.desc(), _events.c.id.desc())
        .limit(PAST_SHOWN)
    )


def _listed(reader: policy.Viewer, in_region: bool, *when) -> Select:
    statement = policy.visible_events(reader).where(*when)
    return statement.where(_of_region(bindparam("region_id"))) if in_region else statement


def for_feed(reader, *, region_id: int | None = None, public_only: bool = False) -> list[Event]:
    statement = policy.visible_events(reader).where(Event.ends_at > utcnow() - FEED_PAST)
    if public_only:
        statement = statement.where(Event.audience == "public")
    return db.session.scalars(_in_region(statement, region_id).order_by(Event.starts_at)).all()


def _in_region(statement, region_id):
    return statement if region_id is None else statement.where(_of_region(region_id))


def _of_region(region_id):
    """An event of the region, or a national one."""
    return (_events.c.region_id == region_id) | _events.c.region_id.is_(None)


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
