"""The bell's count kept on the member's row (forum.notifications.bell): read with the user and
no query of its own, and after every change that can move it, the same as counting afresh."""

import re

import pytest

from forum.admin import actions as admin
from forum.auth.models import User
from forum.extensions import db
from forum.moderation.actions import moderate_post, move_thread
from forum.notifications import actions as notifications
from forum.notifications import queries
from forum.threads.actions import delete_own_post


def _bell(client) -> int:
    found = re.search(r'<span class="badge">(\d+)\+?<span class="visually-hidden"> unread',
                      client.get("/").text)  # fmt: skip
    return int(found.group(1)) if found else 0


def _counted_afresh(user: User) -> int:
    db.session.expire_all()
    return queries.unread_count(db.session.get(User, user.id))


@pytest.fixture
def world(make, auth):
    home, away = make.region(), make.region()
    asker = make.user(email="kysyja@example.fi", name="Kysyjä", region=home)
    helper = make.user(email="auttaja@example.fi", name="Auttaja", region=home)
    admin_user = make.user(role="admin", name="Ylläpito")
    board = make.board(visibility="members")
    thread = make.thread(board, author=asker, title="Työkokeilun aloitus")
    auth.login("kysyja@example.fi")
    return {"asker": asker, "helper": helper, "admin": admin_user, "board": board,
            "thread": thread, "opening": make.opening_post(thread), "home": home,
            "away": away, "away_board": make.board(visibility="region", region=away)}  # fmt: skip


def test_a_settled_bell_asks_the_database_nothing(client, world, make, count_queries):
    make.reply(world["opening"], author=world["helper"], body="Yksi")
    assert _bell(client) == 1  # counted again: a notification was written
    with count_queries() as queries_of_a_page:
        client.get("/")
    assert not [s for s in queries_of_a_page.statements if "notification" in s.lower()]
    assert _bell(client) == 1


def test_each_change_leaves_the_bell_as_counting_afresh_would(client, world, make):
    asker, admin_user = world["asker"], world["admin"]
    steps = []

    def check(step: str) -> None:
        steps.append((step, _bell(client), _counted_afresh(asker)))

    check("nothing yet")
    first = make.reply(world["opening"], author=world["helper"], body="Yksi")
    second = make.reply(world["opening"], author=world["helper"], body="Kaksi")
    check("two replies")
    moderate_post(first, "hide", by=admin_user, reason="Henkilötieto")
    check("one reply hidden")
    moderate_post(first, "unhide", by=admin_user, reason="Korjattu")
    check("restored")
    delete_own_post(second, by=db.session.get(User, world["helper"].id))
    check("one deleted by its author")
    move_thread(world["thread"], by=admin_user, to=world["away_board"], reason="alueen asia")
    check("thread moved out of reach")
    move_thread(world["thread"], by=admin_user, to=world["board"], reason="takaisin")
    check("and back")
    admin.update(world["board"], {"visibility": "region", "region_id": world["away"].id},
                 by=admin_user)  # fmt: skip
    check("its board made another region's")
    admin.update(world["board"], {"visibility": "members", "region_id": None}, by=admin_user)
    check("and everyone's again")
    notifications.mark_read(asker.id)
    check("all read")
    make.reply(world["opening"], author=world["helper"], body="Kolme")
    check("one more")
    assert [step for step in steps if step[1] != step[2]] == []
    assert [bell for _step, bell, _afresh in steps] == [0, 2, 1, 2, 1, 0, 1, 0, 1, 0, 1]


def test_the_reader_changing_is_noticed_without_being_told(client, world, make):
    """A change of the reader's role or region needs no call to the bell: it was counted for
    another kind of reader."""
    make.reply(world["opening"], author=world["helper"], body="Vastaus")
    move_thread(world["thread"], by=world["admin"], to=world["away_board"], reason="alueen asia")
    assert _bell(client) == 0  # the asker may not read the other region's board
    member = db.session.get(User, world["asker"].id)
    member.role = "admin"  # as the command that makes an administrator does
    db.session.commit()
    assert _bell(client) == 1 == _counted_afresh(world["asker"])
