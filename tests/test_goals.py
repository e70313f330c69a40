"""Goals: set by an organisation's coordinators from their assessment, with progress over time
and evidence; the programme's view across organisations with counts and a chart."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.goals import actions, queries
from forum.goals.models import GOAL_STATUSES, Goal, GoalUpdate
from forum.organisations import assessments
from forum.regions.models import Region
from forum.tags.models import Tag
from tests.conftest import Auth, post_form

ANSWERS = {"approaches": "Työkokeilut.", "works_well": "Esihenkilöt.",
           "challenges": "Seuranta puuttuu.", "information_needs": "Palkkatuki."}  # fmt: skip


@pytest.fixture
def pilots(make):
    home, away = make.region(), make.region()
    own = make.organisation(region=home, name="Kuusikylän kunta")
    other = make.organisation(region=away, name="Havsvikens Vårdförening rf")
    aino = make.user(email="aino@example.fi", organisation=own)
    britta = make.user(email="britta@example.fi", organisation=other, locale="sv")
    assessment = assessments.assess(own, by=aino, language="fi", answers=ANSWERS, need_ids=[],
                                    shared=False)  # fmt: skip
    return home, away, own, other, aino, britta, assessment


def _tag(slug):
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def test_a_coordinator_sets_a_goal_from_an_assessment_answer(client, pilots):
    _home, _away, own, _other, _aino, _britta, assessment = pilots
    Auth(client).login("aino@example.fi")
    url = f"/organisations/{own.id}/goals/new"
    form = {"title": "Työkokeilujen seuranta kuntoon", "description": "Kirjataan jokainen.",
            "language": "fi", "target_date": "2027-06-30",
            "cited": f"{assessment.id}:challenges", "tags": [_tag("tyokokeilu").id]}  # fmt: skip
    missing = post_form(client, url, {**form, "title": ""})
    assert missing.status_code == 422 and "Kirjataan jokainen." in missing.text
    bad_date = post_form(client, url, {**form, "target_date": "30.6."})
    assert bad_date.status_code == 422 and "Työkokeilujen seuranta kuntoon" in bad_date.text
    assert post_form(client, url, form).status_code == 302
    goal = db.session.scalar(select(Goal))
    assert (goal.status, goal.cited_answer, goal.target_date) == (
        "planned",
        "challenges",
        date(2027, 6, 30),
    )
    page = client.get(f"/goals/{goal.id}").text
    assert "Seuranta puuttuu." in page  # the answer it comes from, to the organisation


def test_the_cited_answer_is_quoted_only_to_those_who_may_read_the_assessment(client, pilots):
    _home, _away, own, _other, aino, _britta, assessment = pilots
    goal = actions.set_goal(own, by=aino, title="Seuranta", description="", language="fi",
                            target_date=None, cited=(assessment.id, "challenges"))  # fmt: skip
    Auth(client).login("britta@example.fi")
    page = client.get(f"/goals/{goal.id}")
    assert page.status_code == 200 and "Seuranta" in page.text
    assert "Seuranta puuttuu." not in page.text
    assert client.get(f"/organisations/{own.id}/goals/new").status_code == 403


def test_progress_over_time_moves_the_status_and_the_chart(client, pilots):
    home, away, own, other, aino, britta, _assessment = pilots
    first = actions.set_goal(own, by=aino, title="A", description="", language="fi",
                             target_date=None, tag_ids=[_tag("palkkatuki").id])  # fmt: skip
    second = actions.set_goal(own, by=aino, title="B", description="", language="fi",
                              target_date=None)  # fmt: skip
    actions.set_goal(other, by=britta, title="C", description="", language="sv",
                     target_date=None)  # fmt: skip
    actions.tell_progress(first, by=aino, body="Aloitettu.", language="fi", status="in_progress")
    actions.tell_progress(first, by=aino, body="Valmis.", language="fi", status="achieved")
    actions.tell_progress(second, by=aino, body="Suunnitellaan yhä.", language="fi",
                          status="planned")  # fmt: skip
    # Written two months ago: the chart reads each goal's status as it was at each month's end.
    begin_write()
    long_ago = utcnow() - timedelta(days=70)
    for goal in (first, second):
        db.session.get(Goal, goal.id).created_at = long_ago
    first_update = db.session.scalars(select(GoalUpdate).order_by(GoalUpdate.id)).first()
    first_update.created_at = long_ago + timedelta(days=1)
    db.session.commit()
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    chart = queries.status_over_time(queries.Filters(), regions)
    home_counts = chart.counts[[region.id for region in chart.regions].index(home.id)]
    assert home_counts[-1] == {"planned": 1, "in_progress": 0, "achieved": 1, "dropped": 0}
    assert home_counts[-3] == {"planned": 1, "in_progress": 1, "achieved": 0, "dropped": 0}
    assert sum(home_counts[0].values()) == 0  # before the goals were set
    counted = queries.status_over_time(queries.Filters(region=home.id), regions).statuses
    assert counted == {"planned": 1, "in_progress": 0, "achieved": 1, "dropped": 0}
    assert [goal.title for goal in queries.programme(queries.Filters(tag="palkkatuki"))] == ["A"]
    assert [goal.title for goal in queries.programme(queries.Filters(status="planned"))] == [
        "B",
        "C",
    ]

    Auth(client).login("britta@example.fi")
    page = client.get("/goals").text
    assert "<svg" in page and "<table" in page and "Achieved" not in page  # Swedish UI
    assert "Uppnått" in page
    empty = post_form(client, f"/goals/{first.id}", {"body": "", "status": "achieved"},
                      action=f"/goals/{first.id}/progress")  # fmt: skip
    assert empty.status_code == 403  # not her organisation's goal


def test_the_chart_counts_each_goal_in_the_status_it_had_at_each_months_end(pilots):
    """Thirty goals set over fourteen months, each moved up to four times and told of once
    without a move: the chart matches the statuses worked out month by month, goal by goal."""
    import random

    home, away, own, other, aino, _britta, _assessment = pilots
    rnd, today = random.Random(7), date(2026, 12, 4)
    history = {}  # goal id -> (set at, [(moved at, status after)])

    def status_at(moves, at, first="planned"):
        return next((after for moved_at, after in reversed(moves) if moved_at <= at), first)

    begin_write()
    for number in range(30):
        set_at = datetime(2025, 10, 1, 12, tzinfo=UTC) + timedelta(days=rnd.randrange(430))
        moves, when = [], set_at
        for _ in range(rnd.randrange(5)):
            when += timedelta(days=rnd.randrange(60), hours=rnd.randrange(24))
            now = status_at(moves, when)
            moves.append((when, rnd.choice([s for s in GOAL_STATUSES if s != now])))
        goal = Goal(organisation_id=(own if number % 3 else other).id, title=f"Tavoite {number}",
                    language="fi", status=status_at(moves, when), created_at=set_at)  # fmt: skip
        db.session.add(goal)
        db.session.flush()
        told = set_at + timedelta(days=3)
        updates = [(at, status_at(moves, at - timedelta(microseconds=1)), after)
                   for at, after in moves]  # fmt: skip
        updates.append((told, status_at(moves, told), status_at(moves, told)))
        for at, before, after in updates:
            db.session.add(GoalUpdate(goal_id=goal.id, author_id=aino.id, created_at=at,
                                      body="Eteni.", language="fi", status_before=before,
                                      status_after=after))  # fmt: skip
        history[goal.id] = (set_at, moves, goal.organisation_id)
    db.session.commit()

    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    chart = queries.status_over_time(queries.Filters(), regions, today=today)
    expected = {region.id: [dict.fromkeys(GOAL_STATUSES, 0) for _ in chart.months]
                for region in (home, away)}  # fmt: skip
    for set_at, moves, organisation_id in history.values():
        region = home.id if organisation_id == own.id else away.id
        for number, month_end in enumerate(chart.months):
            if set_at.date() <= month_end:
                shown = [after for at, after in moves if at.date() <= month_end]
                expected[region][number][shown[-1] if shown else "planned"] += 1
    assert [region.id for region in chart.regions] == [home.id, away.id]
    assert chart.counts == [expected[home.id], expected[away.id]]
    assert sum(chart.statuses.values()) == 30


def test_evidence_is_linked_by_address_and_listed_only_where_the_reader_may_see_it(
    client, make, pilots
):
    _home, _away, own, _other, aino, _britta, _assessment = pilots
    goal = actions.set_goal(own, by=aino, title="Mentorointi", description="", language="fi",
                            target_date=None)  # fmt: skip
    open_thread = make.thread(make.board(visibility="public"), author=aino, title="Avoin ketju")
    group = make.group(members=[aino])
    closed = make.thread(make.board(visibility="group", group=group), author=aino,
                         title="Kohortin ketju")  # fmt: skip
    for thread in (open_thread, closed):
        actions.link_evidence(goal, by=aino, link=f"https://foorumi.example.fi/threads/{thread.id}")
    with pytest.raises(actions.NotEvidence):
        actions.link_evidence(goal, by=aino, link="https://muualla.example.com/")
    with pytest.raises(actions.AlreadyLinked):
        actions.link_evidence(goal, by=aino, link=f"/threads/{open_thread.id}")
    Auth(client).login("aino@example.fi")
    mine = client.get(f"/goals/{goal.id}").text
    assert "Avoin ketju" in mine and "Kohortin ketju" in mine
    wrong = post_form(client, f"/goals/{goal.id}", {"link": "/threads/999999"},
                      action=f"/goals/{goal.id}/evidence")  # fmt: skip
    assert wrong.status_code == 422 and "/threads/999999" in wrong.text
    Auth(client).logout()
    Auth(client).login("britta@example.fi")
    theirs = client.get(f"/goals/{goal.id}").text
    assert "Avoin ketju" in theirs and "Kohortin ketju" not in theirs


def test_goals_are_for_members(client, pilots):
    *_, assessment = pilots
    assert client.get("/goals").status_code == 302


def test_goals_and_progress_are_checked_for_personal_data(client, pilots):
    _home, _away, own, _other, aino, _britta, _assessment = pilots
    goal = actions.set_goal(own, by=aino, title="Seuranta", description="", language="fi",
                            target_date=None)  # fmt: skip
    Auth(client).login("aino@example.fi")
    told = {"body": "Soitin Matille numeroon 040 123 4567.", "language": "fi",
            "status": "in_progress"}  # fmt: skip
    warned = post_form(client, f"/goals/{goal.id}", told, action=f"/goals/{goal.id}/progress")
    assert warned.status_code == 422 and "040 123 4567" in warned.text
    assert db.session.scalar(select(GoalUpdate.id)) is None
    sent = post_form(client, f"/goals/{goal.id}", {**told, "personal_data_checked": "y"},
                     action=f"/goals/{goal.id}/progress")  # fmt: skip
    assert sent.status_code == 302
