"""Notifications of replies: written with the reply, counted by the bell, listed per thread, and
only about posts the reader may read."""

import re

from sqlalchemy import func, select

from forum.auth.models import User
from forum.extensions import db
from forum.moderation.actions import move_thread
from forum.notifications import bell, watching
from forum.notifications.models import Notification, WatchLevel, WatchTarget
from tests.conftest import form_token


def _world(make):
    home, away = make.region(), make.region()
    asker = make.user(email="kysyja@example.fi", name="Kysyjä", region=home)
    helper = make.user(email="auttaja@example.fi", name="Auttaja", region=home)
    third = make.user(email="kolmas@example.fi", name="Kolmas", region=home)
    board = make.board(visibility="members")
    thread = make.thread(board, author=asker, title="Työkokeilun aloitus")
    return {"asker": asker, "helper": helper, "third": third, "thread": thread,
            "away_board": make.board(visibility="region", region=away), "away": away}  # fmt: skip


def test_a_reply_tells_the_thread_and_post_authors_but_not_the_replier(make):
    world = _world(make)
    opening = make.opening_post(world["thread"])
    answer = make.reply(opening, author=world["helper"], body="Näin me teimme")
    make.reply(answer, author=world["third"], body="Samoin meillä")
    make.reply(answer, author=world["helper"], body="Oma jatko")  # to their own post
    told = db.session.execute(
        select(Notification.recipient_id, func.count()).group_by(Notification.recipient_id)
    ).all()
    assert dict(told) == {world["asker"].id: 3, world["helper"].id: 1}


def test_who_muted_the_thread_is_passed_over_and_their_bell_kept(make):
    """The reply's own statements pass over those who muted the thread (they are not asked
    for first): no notification, and the bell they had counted stays counted."""
    world = _world(make)
    asker, helper = world["asker"], world["helper"]
    answer = make.reply(make.opening_post(world["thread"]), author=helper, body="Näin me teimme")
    watching.set_level(asker, WatchTarget.THREAD, world["thread"].id, WatchLevel.MUTED)
    for member in (asker, helper):
        bell.settle(member)
    make.reply(answer, author=world["third"], body="@Kysyjä samoin meillä")
    db.session.expire_all()
    told = db.session.scalars(select(Notification.recipient_id).where(
        Notification.post_id != answer.id)).all()  # fmt: skip
    assert told == [helper.id]
    assert db.session.get(User, asker.id).bell_count is not None
    assert db.session.get(User, helper.id).bell_count is None  # counted again on their next page


def test_the_bell_counts_and_the_page_groups_per_thread(client, auth, make):
    world = _world(make)
    opening = make.opening_post(world["thread"])
    first = make.reply(opening, author=world["helper"], body="Yksi")
    make.reply(opening, author=world["third"], body="Kaksi")
    auth.login("kysyja@example.fi")
    page = client.get("/notifications")
    assert page.status_code == 200
    assert '<span class="badge">2<span class="visually-hidden"> unread</span>' in page.text
    assert "2 new replies in “Työkokeilun aloitus”" in page.text
    assert "Auttaja" in page.text and "Kolmas" in page.text
    # The group leads to its first unread post, and reading it marks the thread's news read.
    opened = client.get(f"/notifications/threads/{world['thread'].id}")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/posts/{first.id}")
    page = client.get("/notifications")
    assert 'class="badge"' not in page.text
    assert "Replies in “Työkokeilun aloitus”" in page.text


def test_mark_all_read(client, auth, make):
    world = _world(make)
    make.reply(make.opening_post(world["thread"]), author=world["helper"], body="Yksi")
    auth.login("kysyja@example.fi")
    page = client.get("/notifications")
    response = client.post("/notifications/read", data={"csrf_token": form_token(page.text)})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Notification.read_at.is_(None))) == 0
    assert "All your notifications are marked read." in client.get("/notifications").text


def test_news_of_a_thread_moved_out_of_reach_is_neither_counted_nor_listed(client, auth, make):
    world = _world(make)
    make.reply(make.opening_post(world["thread"]), author=world["helper"], body="Yksi")
    admin = make.user(role="admin")
    move_thread(world["thread"], by=admin, to=world["away_board"], reason="alueen asia")
    auth.login("kysyja@example.fi")
    page = client.get("/notifications")
    assert 'class="badge"' not in page.text and "Työkokeilun aloitus" not in page.text
    assert client.get(f"/notifications/threads/{world['thread'].id}").status_code == 404


def test_notifications_are_for_the_signed_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_and_the_bell_read_a_constant_number_of_queries(client, auth, make, count_queries):
    world = _world(make)
    auth.login("kysyja@example.fi")

    def more(count: int) -> None:
        for number in range(count):
            thread = make.thread(make.board(visibility="members"), author=world["asker"],
                                 title=f"Kysymys {number}")  # fmt: skip
            make.reply(make.opening_post(thread), author=world["helper"], body="Vastaus")

    more(2)
    with count_queries() as few:
        page = client.get("/notifications")
    assert len(re.findall(r'class="notification ', page.text)) == 2
    more(10)
    with count_queries() as many:
        client.get("/notifications")
    assert many.count == few.count, (few.statements, many.statements)


def test_the_author_is_told_what_staff_did_and_why_but_not_who_reported(client, auth, make):
    from forum.moderation import actions as moderation

    world = _world(make)
    opening = make.opening_post(world["thread"])
    answer = make.reply(opening, author=world["helper"], body="Potilaan nimi: Matti")
    admin = make.user(role="admin", name="Ylläpitäjä")
    moderation.flag_post(answer, by=world["third"], reason="personal_data")
    moderation.moderate_post(answer, "hide", by=admin, reason="Henkilötieto poistettava")
    moderation.moderate_post(answer, "unhide", by=admin, reason="Korjattu")
    auth.login("auttaja@example.fi")
    page = client.get("/notifications")
    assert "From the moderators" in page.text
    assert "is hidden until staff have looked at a report about it" in page.text
    assert "Staff hid your message in “Työkokeilun aloitus”." in page.text
    assert "Reason: Henkilötieto poistettava" in page.text
    assert "Staff restored your message" in page.text
    assert "Kolmas" not in page.text  # the reporter is not named
    assert '<span class="badge">3<' in page.text
    (first,) = re.findall(r'href="/notifications/(\d+)"', page.text)[-1:]
    opened = client.get(f"/notifications/{first}")
    assert opened.status_code == 302 and f"/posts/{answer.id}" in opened.headers["Location"]
    assert '<span class="badge">2<' in client.get("/notifications").text


def test_what_staff_did_in_a_board_the_author_cannot_read_is_not_listed(client, auth, make):
    """Each notification is asked about its own thread's board (two threads, two boards)."""
    from forum.moderation import actions as moderation

    world = _world(make)
    admin = make.user(role="admin")
    elsewhere = make.thread(make.board(visibility="members"), author=world["asker"],
                            title="Toisen alueen ketju")  # fmt: skip
    here = make.reply(make.opening_post(world["thread"]), author=world["helper"], body="Täällä")
    there = make.reply(make.opening_post(elsewhere), author=world["helper"], body="Tuolla")
    move_thread(elsewhere, by=admin, to=world["away_board"], reason="alueen asia")
    moderation.moderate_post(here, "hide", by=admin, reason="Syy yksi")
    moderation.moderate_post(there, "hide", by=admin, reason="Syy kaksi")
    auth.login("auttaja@example.fi")
    page = client.get("/notifications")
    assert "Syy yksi" in page.text and "Syy kaksi" not in page.text
    assert '<span class="badge">1<' in page.text


def test_the_bell_counts_to_ninety_nine_and_then_says_so(client, auth, make):
    world = _world(make)
    opening = make.opening_post(world["thread"])
    rows = [
        Notification(recipient_id=world["asker"].id, kind="reply", thread_id=world["thread"].id,
                     post_id=opening.id, actor_id=world["helper"].id)
        for _ in range(120)
    ]  # fmt: skip
    db.session.add_all(rows)
    bell.recount_soon([world["asker"].id])  # as every action that writes notifications does
    db.session.commit()
    auth.login("kysyja@example.fi")
    page = client.get("/")
    assert '<span class="badge">99+<span class="visually-hidden"> unread</span>' in page.text


def test_the_author_hears_that_their_thread_became_a_good_practice_and_was_tried(
    client, auth, make
):
    from forum.practices import actions as practice_actions

    world = _world(make)
    staff = make.user(role="admin")
    summary = {"core_idea": "Mentorit", "environment": "", "conditions": "", "results": ""}
    practice = practice_actions.curate(world["thread"], by=staff, maturity="piloted",
                                       language="fi", summary=summary)  # fmt: skip
    elsewhere = make.organisation(name="Lakeuden kaupunki")
    adopter = make.user(email="kokeilija@example.fi", organisation=elsewhere)
    practice_actions.adopt(practice, by=adopter, comment="Toimi meilläkin")
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.recipient_id == world["asker"].id)
    ).all()
    assert sorted(kinds) == ["practice.adopted", "practice.curated"]
    auth.login("kysyja@example.fi")
    page = client.get("/notifications").text
    assert "Your thread “Työkokeilun aloitus” is now a good practice." in page
    assert "Lakeuden kaupunki tried your good practice “Työkokeilun aloitus”." in page
    # Gone from view when the thread moves where its author cannot follow.
    move_thread(world["thread"], by=staff, to=world["away_board"], reason="Alueen asia")
    page = client.get("/notifications").text
    assert "good practice" not in page


def test_staff_curating_their_own_thread_tell_nobody(make):
    from forum.practices import actions as practice_actions

    staff = make.user(role="admin")
    thread = make.thread(make.board(), author=staff)
    summary = {"core_idea": "Oma", "environment": "", "conditions": "", "results": ""}
    practice_actions.curate(thread, by=staff, maturity="idea", language="fi", summary=summary)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
