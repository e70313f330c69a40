"""Events as iCalendar (RFC 5545), which calendar programs read: one event, a region's public
events, or a member's private feed. Times are written in Europe/Helsinki with its VTIMEZONE,
so that an event keeps its local hour on both sides of a change to or from summer time."""

from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from flask_babel import gettext as _

from forum.events.models import EVENT_ZONE, Event
from forum.mail.actions import site_url

_ZONE = ZoneInfo(EVENT_ZONE)


def calendar(events: list[Event], *, name: str) -> bytes:
    """The events as one calendar named `name`."""
    document = icalendar.Calendar()
    document.add("prodid", "-//Työkykykoordinaattorien foorumi//tyokyky-forum//FI")
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("x-wr-calname", name)
    document.add("x-wr-timezone", EVENT_ZONE)
    for event in events:
        document.add_component(_entry(event))
    document.add_missing_timezones()
    return document.to_ical()


def _entry(event: Event) -> icalendar.Event:
    link = site_url("events.show", event_id=event.id)
    host = current_app.config["FORUM_BASE_URL"].split("://", 1)[-1].split("/", 1)[0]
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.id}@{host}")
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("sequence", event.sequence)
    entry.add("dtstart", event.starts_at.astimezone(_ZONE))
    entry.add("dtend", event.ends_at.astimezone(_ZONE))
    entry.add("summary", event.title)
    # The link in the description too: several calendar programs show no URL property.
    lines = [event.description_text.strip(), _("Event page and sign-up: %(link)s", link=link)]
    if event.online_url:
        lines.append(_("Online: %(link)s", link=event.online_url))
    entry.add("description", "\n\n".join(line for line in lines if line))
    entry.add("url", link)
    location = event.place or event.online_url
    if location:
        entry.add("location", location)
    entry.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return entry
