"""The initial assessment: versioned, written by the organisation's coordinators, read by them
and programme staff, and by every member once shared; its fourth answer feeds the staff's view
of what information organisations need."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.organisations import assessments
from forum.organisations.models import Assessment
from forum.tags.models import Tag
from tests.conftest import Auth, post_form

ANSWERS = {"approaches": "Työkokeilut ja työjärjestelyt.", "works_well": "Esihenkilöiden tuki.",
           "challenges": "Tiedonkulku työterveyshuoltoon.",
           "information_needs": "Palkkatuesta ja osasairauspäivärahasta."}  # fmt: skip


@pytest.fixture
def pilots(make):
    home, away = make.region(), make.region()
    own = make.organisation(region=home, name="Kuusikylän kunta")
    neighbour = make.organisation(region=home, name="Naapurin kunta")
    people = {
        "coordinator": make.user(email="aino@example.fi", organisation=own),
        "colleague": make.user(email="kollega@example.fi", organisation=own),
        "neighbour": make.user(email="naapuri@example.fi", organisation=neighbour),
        "home_moderator": make.user(email="alue@example.fi", role="moderator", region=away),
        "away_moderator": make.user(email="muu@example.fi", role="moderator", region=away),
        "admin": make.user(email="admin@example.fi", role="admin", region=away),
    }
    make.scope(people["home_moderator"], region=home)
    make.scope(people["away_moderator"], region=away)
    return own, neighbour, people


def _needs(*slugs):
    return [tag.id for tag in db.session.scalars(select(Tag).where(Tag.slug.in_(slugs)))]


READERS = ["signed_out", "coordinator", "colleague", "neighbour", "home_moderator",
           "away_moderator", "admin"]  # fmt: skip
PRIVATE = {"coordinator", "colleague", "home_moderator", "admin"}


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("shared", [False, True], ids=["own", "shared"])
def test_an_assessment_is_read_by_the_organisation_and_staff_unless_shared(
    client, pilots, who, shared
):
    own, _neighbour, people = pilots
    assessment = assessments.assess(own, by=people["coordinator"], language="fi",
                                     answers=ANSWERS, need_ids=[], shared=shared)  # fmt: skip
    reader = people.get(who) or AnonymousUserMixin()
    expected = who in PRIVATE or (shared and who != "signed_out")
    assert policy.can(reader, "assessment.view", assessment) == expected
    listed = db.session.scalars(policy.visible_assessments(reader)).all()
    assert (assessment in listed) == expected
    if who != "signed_out":
        Auth(client).login(people[who].email)
        page = client.get(f"/organisations/{own.id}/assessment").text
        assert (ANSWERS["challenges"] in page) == expected
        needs = client.get("/staff/organisations/information-needs")
        if who in ("home_moderator", "away_moderator", "admin"):
            assert (ANSWERS["information_needs"] in needs.text) == expected
        else:
            assert needs.status_code == 403


def test_a_new_version_keeps_the_old_and_starts_from_it(client, pilots):
    own, _neighbour, people = pilots
    Auth(client).login("aino@example.fi")
    url = f"/organisations/{own.id}/assessment/new"
    first = post_form(
        client,
        url,
        {**ANSWERS, "language": "fi", "needs": _needs("palkkatuki", "osasairauspaivaraha")},
    )
    assert first.status_code == 302
    form = client.get(url).text
    assert ANSWERS["challenges"] in form  # the new version starts from the last
    second = post_form(
        client,
        url,
        {
            **ANSWERS,
            "challenges": "Mittarit puuttuvat.",
            "language": "fi",
            "needs": _needs("palkkatuki"),
        },
    )
    assert second.status_code == 302
    versions = db.session.scalars(
        select(Assessment).where(Assessment.organisation_id == own.id)
        .order_by(Assessment.version)
    ).all()  # fmt: skip
    assert [(item.version, item.challenges) for item in versions] == [
        (1, ANSWERS["challenges"]),
        (2, "Mittarit puuttuvat."),
    ]
    page = client.get(f"/organisations/{own.id}/assessment").text
    assert "Mittarit puuttuvat." in page and "Version 1" in page
    old = client.get(f"/organisations/{own.id}/assessment?version=1").text
    assert ANSWERS["challenges"] in old
    assert client.get(f"/organisations/{own.id}/assessment?version=9").status_code == 404


def test_only_the_organisations_coordinators_write_it(client, pilots):
    own, neighbour, _people = pilots
    Auth(client).login("naapuri@example.fi")
    assert client.get(f"/organisations/{own.id}/assessment/new").status_code == 403
    Auth(client).logout()
    Auth(client).login("admin@example.fi")
    assert client.get(f"/organisations/{own.id}/assessment/new").status_code == 403


def test_bad_input_keeps_the_answers_and_personal_data_is_caught(client, pilots):
    own, _neighbour, _people = pilots
    Auth(client).login("aino@example.fi")
    url = f"/organisations/{own.id}/assessment/new"
    empty = post_form(client, url, {"language": "fi"})
    assert empty.status_code == 422 and "Answer at least one of the questions." in empty.text
    long = post_form(client, url, {**ANSWERS, "works_well": "y" * 4001, "language": "fi"})
    assert long.status_code == 422 and "y" * 4001 in long.text
    named = {**ANSWERS, "challenges": "Matti Meikäläinen 131052-308T on sairauslomalla."}
    warned = post_form(client, url, {**named, "language": "fi"})
    assert warned.status_code == 422 and "131052-308T" in warned.text
    assert db.session.scalar(select(Assessment.id)) is None
    sent = post_form(client, url, {**named, "language": "fi", "personal_data_checked": "y"})
    assert sent.status_code == 302


def test_sharing_is_the_organisations_choice(client, pilots):
    own, _neighbour, people = pilots
    assessments.assess(own, by=people["coordinator"], language="fi", answers=ANSWERS,
                       need_ids=[], shared=False)  # fmt: skip
    Auth(client).login("kollega@example.fi")
    url = f"/organisations/{own.id}/assessment"
    assert post_form(client, url, {"shared": "1"}, action=f"{url}/1/sharing").status_code == 302
    Auth(client).logout()
    Auth(client).login("naapuri@example.fi")
    assert ANSWERS["challenges"] in client.get(url).text
    assert client.post(f"{url}/1/sharing", data={"shared": "0"}).status_code in (400, 403)


def test_staff_see_what_is_asked_most_by_region(client, make, pilots):
    own, neighbour, people = pilots
    assessments.assess(own, by=people["coordinator"], language="fi", answers=ANSWERS,
                       need_ids=_needs("palkkatuki", "kuntoutus"), shared=False)  # fmt: skip
    # A newer version replaces the older in the count.
    assessments.assess(own, by=people["coordinator"], language="fi", answers=ANSWERS,
                       need_ids=_needs("palkkatuki"), shared=False)  # fmt: skip
    assessments.assess(neighbour, by=people["neighbour"], language="sv", answers=ANSWERS,
                       need_ids=_needs("palkkatuki", "tyokokeilu"), shared=False)  # fmt: skip
    found = assessments.needs_by_region(people["admin"])
    counted = {tag.slug: total for tag, _per_region, total in found["rows"]}
    assert counted == {"palkkatuki": 2, "tyokokeilu": 1}
    assert found["rows"][0][0].slug == "palkkatuki"
    Auth(client).login("admin@example.fi")
    page = client.get("/staff/organisations/information-needs")
    assert page.status_code == 200 and "Pay subsidy" in page.text
    assert '<td class="numeric">2</td>' in page.text
    away = assessments.needs_by_region(people["away_moderator"])
    assert away["rows"] == []
