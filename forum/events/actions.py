"""Writes of events. Each takes the acting user, checks the rule again inside its transaction,
and commits once; mail to the people signed up is written to the outbox in that transaction."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from forum import policy
from forum.audit.actions import record
from forum.auth.models import User
from forum.boards.models import Board, BoardVisibility
from forum.database import begin_write, utcnow
from forum.events.models import (
    CalendarFeed,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url
from forum.markup import Rendered, render
from forum.threads.actions import NotAllowed, start_thread

# How narrow each scope is: an event's discussion may be on a board read by no more people than
# the event's audience, so that its title and questions reach nobody the event is hidden from.
_NARROWNESS = {BoardVisibility.PUBLIC: 0, BoardVisibility.MEMBERS: 1,
               BoardVisibility.REGION: 2, BoardVisibility.GROUP: 3}  # fmt: skip


class BoardTooWide(ValueError):
    """The discussion board would show the event to people outside its audience."""


class EventOver(Exception):
    """The event has ended or was cancelled: sign-ups are closed."""


@dataclass(frozen=True)
class Details:
    """What staff write of an event; times are aware datetimes (entered in Europe/Helsinki)."""

    title: str
    description: str
    language: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    region_id: int | None
    audience: str
    group_id: int | None
    capacity: int | None


def discussion_fits(board: Board, details: Details) -> bool:
    """May the event's discussion be held on this board (readers no wider than its audience)?"""
    if _NARROWNESS[board.visibility] < _NARROWNESS[details.audience]:
        return False
    if details.audience == BoardVisibility.REGION and board.visibility == BoardVisibility.REGION:
        return board.region_id == details.region_id
    if details.audience == BoardVisibility.GROUP:
        return board.group_id == details.group_id
    return True


def _apply(event: Event, details: Details, rendered: Rendered) -> None:
    event.title = details.title.strip()
    event.description_source = details.description
    event.description_html, event.description_text = rendered.html, rendered.text
    for name in ("language", "starts_at", "ends_at", "place", "online_url", "region_id",
                 "audience", "group_id", "capacity"):  # fmt: skip
        setattr(event, name, getattr(details, name))


def schedule(details: Details, *, by: User, board: Board) -> Event:
    """Announce an event and open its discussion thread on `board`, in one transaction."""
    if not discussion_fits(board, details):
        raise BoardTooWide
    event = Event(created_by_id=by.id, created_at=utcnow(), updated_at=utcnow())
    _apply(event, details, render(details.description))
    if not policy.can(by, "event.manage", event):
        raise NotAllowed

    def add_event(thread) -> None:
        event.thread_id = thread.id
        db.session.add(event)
        db.session.flush()
        record(by, "event.schedule", event)

    start_thread(board, by=by, title=details.title, body=details.description,
                 language=details.language, then=add_event)  # fmt: skip
    return event


# What a change to these tells the people signed up.
_NOTICED = ("starts_at", "ends_at", "place", "online_url")


def change(event: Event, details: Details, *, by: User) -> None:
    """Change an event; a change of time or place is told to everyone signed up."""
    # Rendered before the write transaction, which on SQLite holds the database's write lock.
    rendered = render(details.description)
    begin_write()
    event = db.session.get(Event, event.id, with_for_update=True)
    if not policy.can(by, "event.manage", event) or event.cancelled:
        db.session.rollback()
        raise NotAllowed
    board = event.thread.board if event.thread is not None else None
    if board is not None and not discussion_fits(board, details):
        # A narrower audience than the discussion's readers would show them a hidden event.
        db.session.rollback()
        raise BoardTooWide
    before = {name: getattr(event, name) for name in _NOTICED}
    _apply(event, details, rendered)
    if not policy.can(by, "event.manage", event):  # moved out of the staff member's regions
        db.session.rollback()
        raise NotAllowed
    event.sequence += 1
    event.updated_at = utcnow()
    record(by, "event.change", event)
    if any(before[name] != getattr(event, name) for name in _NOTICED):
        _tell_everyone_signed_up(event, "event_changed")
    db.session.flush()
    _give_free_places(event)  # more places: the waiting list moves up, and is told
    db.session.commit()


def cancel(event: Event, *, by: User, reason: str) -> None:
    """Cancel an event and tell everyone signed up, with the reason."""
    begin_write()
    event = db.session.get(Event, event.id, with_for_update=True)
    if not policy.can(by, "event.manage", event) or event.cancelled:
        db.session.rollback()
        raise NotAllowed
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.updated_at = utcnow()
    record(by, "event.cancel", event, reason=reason)
    _tell_everyone_signed_up(event, "event_cancelled", reason=reason.strip())
    db.session.commit()


def _tell_everyone_signed_up(event: Event, kind: str, **context) -> None:
    people = db.session.scalars(
        select(User).join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, User.active.is_(True))
    ).all()  # fmt: skip
    link = site_url("events.show", event_id=event.id)
    for person in people:
        queue_mail(kind, to=person.email, locale=person.locale, name=person.display_name,
                   event=event, link=link, **context)  # fmt: skip


def sign_up(event: Event, *, by) -> Registration:
    """A place if one is free, else a place on the waiting list; signing up again changes
    nothing."""
    begin_write()
    # The event's row is locked while places are counted: two members taking the last place
    # at once get one place and one waiting-list place, never two places.
    event = db.session.get(Event, event.id, with_for_update=True)
    if not policy.can(by, "event.register", event):
        db.session.rollback()
        raise EventOver if event.cancelled or event.ends_at <= utcnow() else NotAllowed
    existing = db.session.get(Registration, (event.id, by.id))
    if existing is not None:
        db.session.rollback()
        return existing
    status = RegistrationStatus.CONFIRMED
    if event.capacity is not None and _confirmed(event) >= event.capacity:
        status = RegistrationStatus.WAITING
    registration = Registration(event_id=event.id, user_id=by.id, status=status,
                                created_at=utcnow())  # fmt: skip
    db.session.add(registration)
    db.session.commit()
    return registration


def withdraw(event: Event, *, by) -> None:
    """Give up one's place (or one's place in the queue); the first on the waiting list gets
    the place and is told."""
    begin_write()
    event = db.session.get(Event, event.id, with_for_update=True)
    registration = db.session.get(Registration, (event.id, by.id))
    if registration is None:
        db.session.rollback()
        return
    had_place = registration.status == RegistrationStatus.CONFIRMED
    db.session.delete(registration)
    db.session.flush()
    if had_place and not event.cancelled and event.ends_at > utcnow():
        _give_free_places(event)
    db.session.commit()


def give_up_every_place(member) -> None:
    """In the caller's transaction (erasing an account): the member leaves every event, and
    the places they held go to the waiting lists of events still to come."""
    held = db.session.scalars(
        select(Registration).where(Registration.user_id == member.id)
    ).all()  # fmt: skip
    for registration in held:
        event = db.session.get(Event, registration.event_id, with_for_update=True)
        had_place = registration.status == RegistrationStatus.CONFIRMED
        db.session.delete(registration)
        db.session.flush()
        if had_place and not event.cancelled and event.ends_at > utcnow():
            _give_free_places(event)


def _confirmed(event: Event) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)
    )  # fmt: skip


def _give_free_places(event: Event) -> None:
    free = None if event.capacity is None else event.capacity - _confirmed(event)
    waiting = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITING)
        .order_by(Registration.created_at, Registration.user_id)
    )
    if free is not None:
        waiting = waiting.limit(max(free, 0))
    for registration in db.session.scalars(waiting).all():
        registration.status = RegistrationStatus.CONFIRMED
        person = db.session.get(User, registration.user_id)
        queue_mail("event_place_free", to=person.email, locale=person.locale,
                   name=person.display_name, event=event,
                   link=site_url("events.show", event_id=event.id))  # fmt: skip


def waiting_position(event: Event, user) -> int | None:
    """The member's place in the waiting list, from 1; None when not waiting."""
    mine = db.session.get(Registration, (event.id, user.id))
    if mine is None or mine.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.WAITING,
               (Registration.created_at < mine.created_at)
               | ((Registration.created_at == mine.created_at)
                  & (Registration.user_id < mine.user_id)))
    )  # fmt: skip
    return ahead + 1


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_address(user) -> str:
    """A new secret for the member's private calendar; every earlier one stops working. The
    secret is returned once and kept only as its hash."""
    begin_write()
    now = utcnow()
    db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_token_hash(token), created_at=now))
    db.session.commit()
    return token


def has_calendar_address(user) -> bool:
    return db.session.scalar(
        select(CalendarFeed.id)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .limit(1)
    ) is not None  # fmt: skip


def revoke_calendar_addresses(user) -> None:
    begin_write()
    db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def calendar_owner(token: str) -> User | None:
    """The member whose live calendar address holds this secret (an open, approved account)."""
    return db.session.scalar(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _token_hash(token[:100]),
               CalendarFeed.revoked_at.is_(None), User.active.is_(True))
    )  # fmt: skip
