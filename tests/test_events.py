"""Events: who sees them on every surface (pages, calendars), sign-up with a waiting list, the
notices people signed up get, and iCal that a real parser reads back across a DST change."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from forum.database import utcnow
from forum.events import actions
from forum.events.models import Event, Registration
from forum.extensions import db
from forum.threads.models import Thread
from tests.conftest import Auth, outbox_rows, post_form

HELSINKI = ZoneInfo("Europe/Helsinki")


def _details(title, *, audience="public", region=None, group=None, capacity=None, days=10,
             starts=None, hours=2):  # fmt: skip
    starts = starts or (utcnow() + timedelta(days=days)).astimezone(HELSINKI).replace(
        minute=0, second=0, microsecond=0)  # fmt: skip
    return actions.Details(
        title=title, description=f"{title}: **ohjelma** ja materiaalit.", language="fi",
        starts_at=starts, ends_at=starts + timedelta(hours=hours), place="Tampere-talo",
        online_url="", region_id=region.id if region else None, audience=audience,
        group_id=group.id if group else None, capacity=capacity,
    )  # fmt: skip


@pytest.fixture
def programme(make):
    home, away = make.region(), make.region()
    people = {
        "member": make.user(email="jasen@example.fi", region=home),
        "elsewhere": make.user(email="muualla@example.fi", region=away),
        "in_group": make.user(email="ryhma@example.fi", region=away),
        "region_moderator": make.user(email="alue@example.fi", role="moderator", region=away),
        "admin": make.user(email="admin@example.fi", role="admin", region=away),
    }
    make.scope(people["region_moderator"], region=home)
    group = make.group(members=[people["in_group"]])
    boards = {
        "public": make.board(visibility="public"),
        "members": make.board(visibility="members"),
        "region": make.board(visibility="region", region=home),
        "group": make.board(visibility="group", group=group),
    }
    events = {
        audience: actions.schedule(
            _details(
                f"Tilaisuus {audience}",
                audience=audience,
                region=home if audience == "region" else None,
                group=group if audience == "group" else None,
            ),
            by=people["admin"],
            board=boards[audience],
        )  # fmt: skip
        for audience in boards
    }
    return people, events, home, group


SEES = {
    "signed_out": {"public"},
    "member": {"public", "members", "region"},
    "elsewhere": {"public", "members"},
    "in_group": {"public", "members", "group"},
    "region_moderator": {"public", "members", "region"},
    "admin": {"public", "members", "region", "group"},
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_reader_sees_the_events_of_their_audience_on_every_surface(client, programme, who):
    people, events, home, _group = programme
    if who != "signed_out":
        Auth(client).login(people[who].email)
    listing = client.get("/events/").text
    for audience, event in events.items():
        seen = audience in SEES[who]
        assert (event.title in listing) == seen, (who, audience)
        assert client.get(f"/events/{event.id}").status_code == (200 if seen else 404)
        assert client.get(f"/events/{event.id}.ics").status_code == (200 if seen else 404)
        thread = client.get(f"/threads/{event.thread_id}")
        assert thread.status_code == (200 if seen else 404), (who, audience)
    public_feed = client.get(f"/regions/{home.slug}/events.ics").text
    assert [title for title in (e.title for e in events.values()) if title in public_feed] == [
        events["public"].title
    ]
    if who != "signed_out":
        token = actions.new_calendar_address(people[who])
        Auth(client).logout()  # calendar programs cannot sign in
        feed = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
        titles = {str(entry["summary"]) for entry in feed.walk("VEVENT")}
        assert titles == {events[audience].title for audience in SEES[who]}


def test_a_revoked_or_replaced_calendar_address_is_refused(client, programme):
    people, *_ = programme
    first = actions.new_calendar_address(people["member"])
    assert client.get(f"/calendar/{first}.ics").status_code == 200
    second = actions.new_calendar_address(people["member"])
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200
    actions.revoke_calendar_addresses(people["member"])
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    assert client.get("/calendar/guessed.ics").status_code == 404


def test_a_calendar_address_is_made_on_the_account_and_shown_once(client, programme):
    Auth(client).login("jasen@example.fi")
    page = post_form(client, "/account/calendar", {"action": "new"})
    assert page.status_code == 200 and "/calendar/" in page.text
    address = page.text.split('value="http://localhost/calendar/', 1)[1].split('"', 1)[0]
    assert client.get(f"/calendar/{address}").status_code == 200
    assert "/calendar/" not in client.get("/account/calendar").text.split("<form")[0]


def test_ical_keeps_the_local_hour_across_the_change_to_summer_time(app, make):
    admin = make.user(role="admin")
    board = make.board()
    # Finland moves its clocks forward on 28 March 2027 at 03:00.
    before = actions.schedule(
        _details("Ennen kesäaikaa", starts=datetime(2027, 3, 27, 10, 0, tzinfo=HELSINKI)),
        by=admin, board=board)  # fmt: skip
    after = actions.schedule(
        _details("Kesäajassa", starts=datetime(2027, 3, 29, 10, 0, tzinfo=HELSINKI)),
        by=admin, board=board)  # fmt: skip
    from forum.events import calendar

    with app.test_request_context("/"):
        parsed = icalendar.Calendar.from_ical(calendar.calendar([before, after], name="Testi"))
    assert parsed.walk("VTIMEZONE")[0]["tzid"] == "Europe/Helsinki"
    starts = {str(e["summary"]): e.decoded("dtstart") for e in parsed.walk("VEVENT")}
    assert starts["Ennen kesäaikaa"].hour == starts["Kesäajassa"].hour == 10
    assert starts["Ennen kesäaikaa"].utcoffset() == timedelta(hours=2)
    assert starts["Kesäajassa"].utcoffset() == timedelta(hours=3)
    entry = parsed.walk("VEVENT")[0]
    assert f"/events/{before.id}" in str(entry["description"])  # the link, for every program
    assert str(entry["uid"]).startswith(f"event-{before.id}@")


def test_the_last_place_goes_once_and_the_waiting_list_moves_up(make, programme):
    people, _events, _home, _group = programme
    admin = people["admin"]
    event = actions.schedule(_details("Pieni työpaja", capacity=1), by=admin,
                             board=make.board())  # fmt: skip
    first = actions.sign_up(event, by=people["member"])
    second = actions.sign_up(event, by=people["elsewhere"])
    third = actions.sign_up(event, by=people["in_group"])
    assert (first.status, second.status, third.status) == ("confirmed", "waiting", "waiting")
    assert actions.waiting_position(event, people["in_group"]) == 2
    assert actions.sign_up(event, by=people["member"]).status == "confirmed"  # once only
    actions.withdraw(event, by=people["member"])
    statuses = dict(db.session.execute(
        select(Registration.user_id, Registration.status).where(Registration.event_id == event.id)
    ).all())  # fmt: skip
    assert statuses == {people["elsewhere"].id: "confirmed", people["in_group"].id: "waiting"}
    told = outbox_rows()[-1]
    assert told.recipient == "muualla@example.fi" and "Pieni työpaja" in told.subject


def test_a_change_of_time_and_a_cancellation_are_told_to_everyone_signed_up(make, programme):
    people, events, _home, _group = programme
    event = events["members"]
    actions.sign_up(event, by=people["member"])
    actions.sign_up(event, by=people["elsewhere"])
    before = len(outbox_rows())
    moved = _details(event.title, audience="members", days=12)
    actions.change(event, moved, by=people["admin"])
    changed = outbox_rows()[before:]
    assert sorted(mail.recipient for mail in changed) == ["jasen@example.fi",
                                                          "muualla@example.fi"]  # fmt: skip
    assert db.session.get(Event, event.id).sequence == 1
    actions.cancel(event, by=people["admin"], reason="Kouluttaja sairastui.")
    cancelled = outbox_rows()[before + 2 :]
    assert all("Kouluttaja sairastui." in mail.body_text for mail in cancelled)
    assert len(cancelled) == 2
    with pytest.raises(actions.EventOver):
        actions.sign_up(db.session.get(Event, event.id), by=people["in_group"])


def test_staff_announce_an_event_with_its_discussion_thread(client, programme):
    people, _events, home, group = programme
    Auth(client).login("admin@example.fi")
    board = db.session.scalar(select(Thread.board_id).limit(1))
    form = {"title": "Alueellinen työpaja", "description": "Työpajan **ohjelma**.",
            "language": "fi", "starts_at": "2031-03-27T10:00", "ends_at": "2031-03-27T14:00",
            "place": "Tampere", "online_url": "", "region": str(home.id), "audience": "public",
            "group": "0", "capacity": "20", "board": str(board)}  # fmt: skip
    wrong = post_form(client, "/staff/events/new", {**form, "ends_at": "2031-03-27T09:00"})
    assert wrong.status_code == 422 and "The end must come after the start." in wrong.text
    assert "Alueellinen työpaja" in wrong.text
    link = post_form(client, "/staff/events/new", {**form, "online_url": "javascript://x%0a1"})
    assert link.status_code == 422
    made = post_form(client, "/staff/events/new", form)
    assert made.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Alueellinen työpaja"))
    assert event.starts_at == datetime(2031, 3, 27, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert "<strong>ohjelma</strong>" in event.description_html
    thread_page = client.get(f"/threads/{event.thread_id}").text
    assert f"/events/{event.id}" in thread_page


def test_a_group_event_cannot_be_discussed_on_a_wider_board(make, programme):
    people, _events, _home, group = programme
    with pytest.raises(actions.BoardTooWide):
        actions.schedule(_details("Ryhmän tapaaminen", audience="group", group=group),
                         by=people["admin"], board=make.board(visibility="members"))  # fmt: skip
    assert db.session.scalar(select(Event).where(Event.title == "Ryhmän tapaaminen")) is None


def test_moderators_manage_their_regions_events_only(client, programme):
    people, events, _home, _group = programme
    Auth(client).login("alue@example.fi")
    assert client.get(f"/staff/events/{events['region'].id}/edit").status_code == 200
    assert client.get(f"/staff/events/{events['public'].id}/edit").status_code == 403


def test_an_events_text_is_checked_for_personal_data(client, programme):
    _people, _events, home, _group = programme
    Auth(client).login("admin@example.fi")
    board = db.session.scalar(select(Thread.board_id).limit(1))
    form = {"title": "Työpaja", "description": "Kysy lisää: matti.meikalainen@example.fi",
            "language": "fi", "starts_at": "2031-03-27T10:00", "ends_at": "2031-03-27T14:00",
            "place": "Tampere", "online_url": "", "region": "0", "audience": "public",
            "group": "0", "capacity": "", "board": str(board)}  # fmt: skip
    warned = post_form(client, "/staff/events/new", form)
    assert warned.status_code == 422 and "matti.meikalainen@example.fi" in warned.text
    assert db.session.scalar(select(Event).where(Event.title == "Työpaja")) is None
    sent = post_form(client, "/staff/events/new", {**form, "personal_data_checked": "y"})
    assert sent.status_code == 302


def test_more_places_move_the_waiting_list_up(make, programme):
    people, _events, _home, _group = programme
    event = actions.schedule(_details("Suosittu", capacity=1), by=people["admin"],
                             board=make.board())  # fmt: skip
    actions.sign_up(event, by=people["member"])
    actions.sign_up(event, by=people["elsewhere"])
    details = _details("Suosittu", capacity=2, starts=event.starts_at.astimezone(HELSINKI))
    actions.change(db.session.get(Event, event.id), details, by=people["admin"])
    assert db.session.get(Registration, (event.id, people["elsewhere"].id)).status == "confirmed"
    assert outbox_rows()[-1].recipient == "muualla@example.fi"


def test_an_audience_narrower_than_the_discussions_readers_is_refused(client, programme):
    people, events, home, _group = programme
    public = events["public"]  # discussed on a public board
    narrowed = _details(public.title, audience="region", region=home)
    with pytest.raises(actions.BoardTooWide):
        actions.change(db.session.get(Event, public.id), narrowed, by=people["admin"])
    Auth(client).login("admin@example.fi")
    form = {"title": public.title, "description": "Uusi kuvaus, joka säilyy.", "language": "fi",
            "starts_at": "2031-03-27T10:00", "ends_at": "2031-03-27T14:00", "place": "Tampere",
            "online_url": "", "region": str(home.id), "audience": "region", "group": "0",
            "capacity": ""}  # fmt: skip
    refused = post_form(client, f"/staff/events/{public.id}/edit", form)
    assert refused.status_code == 422 and "Uusi kuvaus, joka säilyy." in refused.text
    assert db.session.get(Event, public.id).audience == "public"


def test_a_description_too_dense_to_render_is_refused_with_the_text_kept(client, programme):
    _people, events, _home, _group = programme
    Auth(client).login("admin@example.fi")
    event = events["public"]
    form = {"title": event.title, "description": "[" * 19_000, "language": "fi",
            "starts_at": "2031-03-27T10:00", "ends_at": "2031-03-27T14:00", "place": "",
            "online_url": "", "region": "0", "audience": "public", "group": "0",
            "capacity": ""}  # fmt: skip
    refused = post_form(client, f"/staff/events/{event.id}/edit", form)
    assert refused.status_code == 422 and "too complex a way" in refused.text
    board = db.session.scalar(select(Thread.board_id).where(Thread.id == event.thread_id))
    made = post_form(client, "/staff/events/new", {**form, "board": str(board)})
    assert made.status_code == 422 and "[" * 1000 in made.text


def test_a_public_events_discussion_is_linked_only_for_those_who_may_read_it(
    client, make, programme
):
    people, _events, _home, _group = programme
    event = actions.schedule(_details("Avoin tilaisuus", audience="public"), by=people["admin"],
                             board=make.board(visibility="members"))  # fmt: skip
    link = f'href="/threads/{event.thread_id}"'
    assert link not in client.get(f"/events/{event.id}").text
    Auth(client).login("jasen@example.fi")
    assert link in client.get(f"/events/{event.id}").text


def test_an_events_page_reads_its_discussion_with_the_event(client, make, programme, count_queries):
    """The discussion's thread and board, which the page asks the rules about, come in the
    event's own statement (they were two lazy loads, each a round trip on PostgreSQL)."""
    people, _events, _home, _group = programme
    event = actions.schedule(_details("Avoin tilaisuus", audience="public"), by=people["admin"],
                             board=make.board(visibility="members"))  # fmt: skip
    url, link = f"/events/{event.id}", f'href="/threads/{event.thread_id}"'
    Auth(client).login("jasen@example.fi")
    client.get(url)
    with count_queries() as queries:
        page = client.get(url).text
    assert link in page
    # The member (with their groups), the event with its discussion, their registration, and
    # the places taken.
    assert queries.count == 4, queries.statements


def test_the_events_list_shows_each_events_region_places_and_cancellation(client, make, programme):
    """The listing's rows: an event's region or "National", the places left (never below
    none, with people waiting), a cancellation; a region's filter keeps the national events;
    past events, newest first, link their materials."""
    people, _events, home, _group = programme
    admin, board, other = people["admin"], make.board(), make.region()

    def event(title, **details):
        return actions.schedule(_details(title, **details), by=admin, board=board)

    workshop = event("Alueen työpaja", region=home, capacity=3, days=5)
    full = event("Täysi kurssi", capacity=1, days=6)
    for who in ("member", "elsewhere"):
        actions.sign_up(workshop, by=people[who])
        actions.sign_up(full, by=people[who])
    actions.cancel(event("Peruttu päivä", days=7), by=admin, reason="Sairastuminen")
    event("Toisen alueen päivä", region=other, days=8)
    event("Mennyt päivä", days=-3)
    event("Vanhempi päivä", days=-9)
    event("Käynnissä oleva kurssi", days=-10, hours=30 * 24)  # began before the past ones

    english = {"Accept-Language": "en"}
    listing = client.get("/events/", headers=english).text
    upcoming, past = listing.split('id="past-heading"')
    assert upcoming.index("Käynnissä oleva kurssi") < upcoming.index("Alueen työpaja")
    assert "Käynnissä oleva kurssi" not in past
    titles = ("Alueen työpaja", "Täysi kurssi", "Peruttu päivä", "Toisen alueen päivä")
    cards = {title: card for card in upcoming.split('class="event-card"')[1:]
             for title in titles if title in card}  # fmt: skip
    assert home.name_en in cards["Alueen työpaja"] and "1 place left" in cards["Alueen työpaja"]
    assert "National" in cards["Täysi kurssi"] and "0 places left" in cards["Täysi kurssi"]
    assert "Cancelled" in cards["Peruttu päivä"] and "left" not in cards["Peruttu päivä"]
    assert other.name_en in cards["Toisen alueen päivä"]
    assert past.index("Mennyt päivä") < past.index("Vanhempi päivä")
    assert "Materials and what was learned" in past

    in_home = client.get(f"/events/?region={home.slug}", headers=english).text
    assert "Alueen työpaja" in in_home and "Täysi kurssi" in in_home
    assert "Toisen alueen päivä" not in in_home
