"""Training groups: a board only the group's members read, on every surface, and the
invitations through which staff fill the group."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.boards.models import Board
from forum.database import begin_write
from forum.extensions import db
from forum.groups import actions
from forum.groups.models import GroupMember
from forum.notifications import watching
from forum.notifications.models import Notification, WatchLevel, WatchTarget
from forum.practices import actions as practice_actions
from forum.tags.models import Tag
from tests.conftest import Auth, outbox_rows, post_form

SECRET = "Kohortin salaisuus"


@pytest.fixture
def cohort(make):
    """A training group with a board and a tagged good-practice thread on it; who is who."""
    region = make.region()
    people = {
        "in_group": make.user(email="ryhma@example.fi", name="Ryhmäläinen", region=region),
        "invited": make.user(email="kutsuttu@example.fi", name="Kutsuttu", region=region),
        "colleague": make.user(email="kollega@example.fi", name="Kollega", region=region),
        "region_moderator": make.user(email="alue@example.fi", role="moderator", region=region),
        "admin": make.user(email="admin@example.fi", role="admin", region=region),
    }
    make.scope(people["region_moderator"], region=region)
    group = make.group(members=[people["in_group"]], invited=[people["invited"]])
    board = make.board(visibility="group", group=group)
    tag = db.session.scalar(select(Tag).where(Tag.slug == "tyokokeilu"))
    thread = make.thread(board, author=people["in_group"], title=SECRET, tags=[tag],
                         body=f"{SECRET}: työkokeilu kuntoutus @Kollega")  # fmt: skip
    practice_actions.curate(thread, by=people["admin"], maturity="idea", language="en",
                            summary={"core_idea": SECRET})  # fmt: skip
    return people, group, board, thread


# Where a thread's title or its board's name shows. The counts that tags and the library add up
# are held to what each reader sees in test_policy, whose matrix has a group's board.
SURFACES = ["/", "/boards/{board}", "/threads/{thread}", "/search?q=kuntoutus",
            "/tags/tyokokeilu", "/practices", "/practices.atom", "/tags/tyokokeilu.atom",
            "/users/{author}"]  # fmt: skip


@pytest.mark.parametrize("who", ["signed_out", "invited", "colleague", "region_moderator",
                                 "in_group", "admin"])  # fmt: skip
def test_a_group_board_shows_on_no_surface_but_to_its_members(client, cohort, who):
    people, _group, board, thread = cohort
    if who != "signed_out":
        Auth(client).login(people[who].email)
    sees = who in ("in_group", "admin")
    values = {"board": board.slug, "thread": thread.id, "author": people["in_group"].id}
    for surface in SURFACES:
        response = client.get(surface.format(**values))
        if surface.startswith(("/boards/", "/threads/")):
            assert response.status_code == (200 if sees else 404), (who, surface)
            continue
        if surface == "/users/{author}" and who == "signed_out":
            continue  # members' pages: a visitor is asked to sign in
        assert response.status_code == 200, (who, surface)
        shown = SECRET in response.text or board.name_en in response.text
        assert shown == sees, (who, surface)


def test_the_group_boards_counts_and_mentions_stay_inside(make, cohort):
    """A mention of someone outside the group tells them nothing; nor does a watch kept from
    before they left the group."""
    people, group, board, thread = cohort
    told = db.session.scalars(
        select(Notification.recipient_id).where(Notification.thread_id == thread.id)
    ).all()
    assert people["colleague"].id not in told
    watching.set_level(people["in_group"], WatchTarget.BOARD, board.id, WatchLevel.WATCHING)
    actions.leave(group, by=people["in_group"])
    later = make.thread(board, author=people["admin"], title="Myöhemmin")
    watching.tell_watchers_due()
    assert not db.session.scalars(
        select(Notification.id).where(Notification.thread_id == later.id,
                                      Notification.recipient_id == people["in_group"].id)
    ).all()  # fmt: skip


def test_an_invitation_is_mailed_and_opens_the_board_only_when_accepted(client, make, cohort):
    people, group, board, _thread = cohort
    newcomer = make.user(email="uusi@example.fi", name="Uusi Jäsen", locale="sv")
    Auth(client).login("admin@example.fi")
    page = post_form(client, f"/staff/groups/{group.id}", {"email": "UUSI@example.fi"})
    assert page.status_code == 302
    mail = outbox_rows()[-1]
    assert mail.recipient == "uusi@example.fi"
    assert "Grupp" in mail.subject and "/groups/" in mail.body_text  # in her language
    Auth(client).logout()

    Auth(client).login("uusi@example.fi")
    assert client.get(f"/boards/{board.slug}").status_code == 404
    mine = client.get("/groups/")
    assert group.name_sv in mine.text
    assert post_form(client, "/groups/", {}, action=f"/groups/{group.slug}/accept").status_code \
        == 302  # fmt: skip
    assert client.get(f"/boards/{board.slug}").status_code == 200
    assert board.name_sv in client.get("/groups/").text
    post_form(client, "/groups/", {}, action=f"/groups/{group.slug}/leave")
    assert client.get(f"/boards/{board.slug}").status_code == 404
    assert db.session.get(GroupMember, (group.id, newcomer.id)) is None


def test_declining_and_answering_an_invitation_one_does_not_have(client, cohort):
    people, group, board, _thread = cohort
    Auth(client).login("kutsuttu@example.fi")
    assert post_form(client, "/groups/", {}, action=f"/groups/{group.slug}/decline").status_code \
        == 302  # fmt: skip
    assert post_form(client, "/groups/", {}, action=f"/groups/{group.slug}/accept").status_code \
        == 404  # fmt: skip
    assert client.get(f"/boards/{board.slug}").status_code == 404


def test_staff_see_a_clear_error_for_an_unknown_or_repeated_invitation(client, cohort):
    people, group, _board, _thread = cohort
    Auth(client).login("admin@example.fi")
    url = f"/staff/groups/{group.id}"
    unknown = post_form(client, url, {"email": "ei.ole@example.fi"})
    assert unknown.status_code == 422
    assert "ei.ole@example.fi" in unknown.text and "No member of the forum" in unknown.text
    again = post_form(client, url, {"email": "kutsuttu@example.fi"})
    assert again.status_code == 422 and "invited to it already" in again.text
    removed = post_form(client, url, {}, action=f"{url}/remove/{people['invited'].id}")
    assert removed.status_code == 302
    assert db.session.get(GroupMember, (group.id, people["invited"].id)) is None


@pytest.mark.parametrize("who", ["colleague", "region_moderator", "in_group"])
def test_only_administrators_manage_groups(client, cohort, who):
    people, group, _board, _thread = cohort
    Auth(client).login(people[who].email)
    assert client.get(f"/staff/groups/{group.id}").status_code == 403
    assert client.get("/staff/admin/training-groups").status_code == 403


def test_a_group_board_is_national_and_names_its_group(client, make, cohort):
    _people, group, _board, _thread = cohort
    Auth(client).login("admin@example.fi")
    region = make.region()
    form = {"slug": "kohortti", "name_fi": "Kohortti", "name_sv": "Kohort", "name_en": "Cohort",
            "description_fi": "", "description_sv": "", "description_en": "", "position": "1",
            "visibility": "group"}  # fmt: skip
    for scope, chosen, message in [
        ("0", "0", "Choose the training group"),
        (str(region.id), str(group.id), "is national"),
    ]:
        page = post_form(client, "/staff/admin/boards/new",
                         {**form, "region": scope, "training_group": chosen})  # fmt: skip
        assert page.status_code == 422 and message in page.text
    public = post_form(client, "/staff/admin/boards/new",
                       {**form, "visibility": "public", "region": "0",
                        "training_group": str(group.id)})  # fmt: skip
    assert public.status_code == 422
    assert "only for a board that the group alone reads" in public.text
    made = post_form(client, "/staff/admin/boards/new",
                     {**form, "region": "0", "training_group": str(group.id)})  # fmt: skip
    assert made.status_code == 302
    assert db.session.scalar(select(Board.group_id).where(Board.slug == "kohortti")) == group.id


def test_the_database_refuses_a_group_board_without_a_group_or_with_a_region(make, cohort):
    _people, group, board, _thread = cohort
    region = make.region()
    for changes in ({"group_id": None}, {"region_id": region.id}, {"visibility": "members"}):
        begin_write()
        for field, value in changes.items():
            setattr(db.session.get(Board, board.id), field, value)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
