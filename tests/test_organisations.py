"""Organisation pages: for members, with coordinators, good practices and the practices the
organisation tried, each listed only where the reader may read the practice's board."""

import pytest

from forum.extensions import db
from forum.practices import actions as practice_actions
from forum.regions.models import Organisation
from tests.conftest import Auth, post_form


@pytest.fixture
def pilots(make):
    region = make.region()
    home = make.organisation(region=region, name="Kuusikylän kunta")
    other = make.organisation(region=region, name="Havsvikens Vårdförening rf")
    coordinator = make.user(email="aino@example.fi", name="Aino Koordinaattori",
                            organisation=home)  # fmt: skip
    colleague = make.user(email="britta@example.fi", name="Britta", organisation=other,
                          locale="sv")  # fmt: skip
    admin = make.user(email="admin@example.fi", role="admin", organisation=home)
    board = make.board(visibility="public")
    practice_thread = make.thread(board, author=colleague, title="Mentorskap")
    practice = practice_actions.curate(
        practice_thread, by=admin, maturity="piloted", language="sv",
        summary={"core_idea": "Mentorer"},
    )  # fmt: skip
    practice.organisation_id = other.id
    db.session.commit()
    group = make.group(members=[colleague])
    closed = make.thread(make.board(visibility="group", group=group), author=colleague,
                         title="Kohortin käytäntö")  # fmt: skip
    closed_practice = practice_actions.curate(closed, by=admin, maturity="idea", language="fi",
                                              summary={"core_idea": "Salainen"})  # fmt: skip
    closed_practice.organisation_id = other.id
    db.session.commit()
    return home, other, coordinator, colleague, practice


def test_the_page_shows_who_tried_a_practice_when_and_how_it_went(client, pilots):
    home, other, coordinator, _colleague, practice = pilots
    practice_actions.adopt(practice, by=coordinator, comment="Toimi hyvin meilläkin.",
                           language="fi")  # fmt: skip
    Auth(client).login("britta@example.fi")  # Swedish UI; the comment is marked Finnish
    page = client.get(f"/organisations/{home.id}").text
    assert "Mentorskap" in page and '<blockquote lang="fi"><p>Toimi hyvin meilläkin.' in page
    assert "Aino Koordinaattori" in page
    thread_page = client.get(f"/threads/{practice.thread_id}").text
    assert "Kuusikylän kunta" in thread_page and "Toimi hyvin meilläkin." in thread_page
    own = client.get(f"/organisations/{other.id}").text
    assert "Mentorskap" in own and "Kohortin käytäntö" in own  # she is in the group


def test_a_closed_boards_practice_is_not_listed_to_others(client, pilots):
    _home, other, _coordinator, _colleague, _practice = pilots
    Auth(client).login("aino@example.fi")
    page = client.get(f"/organisations/{other.id}").text
    assert "Mentorskap" in page and "Kohortin käytäntö" not in page
    listing = client.get("/organisations/").text
    assert "1 good practice" in listing and "2 good practices" not in listing


def test_the_page_lists_the_organisations_goals_by_target_date_with_their_status(client, pilots):
    from datetime import date

    from forum.goals import actions as goal_actions

    home, _other, coordinator, _colleague, _practice = pilots
    for title, target in (("Ilman päivää", None), ("Myöhemmin", date(2027, 6, 1)),
                          ("Ensin", date(2027, 1, 1))):  # fmt: skip
        goal = goal_actions.set_goal(home, by=coordinator, title=title, description="",
                                     language="fi", target_date=target)  # fmt: skip
    goal_actions.tell_progress(goal, by=coordinator, body="Alkoi.", language="fi",
                               status="in_progress")  # fmt: skip
    Auth(client).login("britta@example.fi")  # Swedish UI; the titles are marked Finnish
    page = client.get(f"/organisations/{home.id}").text
    listed = page.split('<span lang="fi">')
    assert [item.split("<", 1)[0] for item in listed[1:4]] == ["Ensin", "Myöhemmin",
                                                              "Ilman päivää"]  # fmt: skip
    assert "Pågår" in listed[1] and "Planerat" in listed[2]


def test_visitors_are_asked_to_sign_in(client, pilots):
    home, *_ = pilots
    assert client.get(f"/organisations/{home.id}").status_code == 302
    assert client.get("/organisations/").status_code == 302


def test_a_coordinator_describes_their_own_organisation_only(client, pilots):
    home, other, *_ = pilots
    Auth(client).login("aino@example.fi")
    assert client.get(f"/organisations/{other.id}/describe").status_code == 403
    text = "Kunta, jossa on 1 200 työntekijää. Kehitämme työkokeiluja."
    warned = post_form(
        client,
        f"/organisations/{home.id}/describe",
        {"description": text + " Soita 040 123 4567.", "language": "fi"},
    )
    assert warned.status_code == 422 and "040 123 4567" in warned.text
    saved = post_form(client, f"/organisations/{home.id}/describe",
                      {"description": text, "language": "fi"})  # fmt: skip
    assert saved.status_code == 302
    assert db.session.get(Organisation, home.id).description == text
    too_long = post_form(client, f"/organisations/{home.id}/describe",
                         {"description": "x" * 2001, "language": "fi"})  # fmt: skip
    assert too_long.status_code == 422 and "x" * 2001 in too_long.text
