"""Administration in the browser: every change recorded, non-admins refused everywhere."""

import re

import pytest
from sqlalchemy import select

from forum.audit.models import AuditEntry
from forum.auth.models import User
from forum.boards.models import Board, ModerationScope
from forum.extensions import db
from forum.regions.models import Organisation, Region
from tests.conftest import Auth, form_token, post_form


@pytest.fixture
def admin(client, make):
    user = make.user(role="admin", email="admin@example.fi", name="Admin")
    Auth(client).login("admin@example.fi")
    return user


def _entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _admin_urls(app, ids: dict) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.admin.") and "GET" in rule.methods:
            url = rule.rule
            for name in rule.arguments:
                url = re.sub(rf"<(?:\w+:)?{name}>", str(ids[name]), url)
            urls.append(url)
    return urls


@pytest.mark.parametrize("role", ["outsider", "member", "moderator"])
def test_every_admin_page_refuses_non_admins(app, client, make, role):
    region = make.region()
    target = make.user(region=region)
    ids = {"kind": "regions", "item_id": region.id, "member_id": target.id}
    if role != "outsider":
        someone = make.user(email="someone@example.fi", role=role)
        if role == "moderator":  # of a board: through the staff pages' door
            make.scope(someone, board=make.board())
        Auth(client).login("someone@example.fi")
    urls = _admin_urls(app, ids)
    assert len(urls) >= 6
    for url in urls:
        response = client.get(url)
        expected = 302 if role == "outsider" else 403
        assert response.status_code == expected, url
        token_page = client.get("/login" if role == "outsider" else "/").text
        posted = client.post(url, data={"csrf_token": form_token(token_page), "slug": "x"})
        assert posted.status_code in (expected, 405), url
    # Nothing changed; a signed-in member's refusals are audited as refusals.
    actions = {entry.action for entry in db.session.scalars(select(AuditEntry))}
    # A member is stopped at the staff pages' door; a moderator at the administrators'.
    refused = {"outsider": set(), "member": {"refused.staff.enter"},
               "moderator": {"refused.forum.administer"}}  # fmt: skip
    assert actions == refused[role]


def test_admin_creates_and_edits_a_board_in_three_languages(client, admin, make):
    region = make.region()
    response = post_form(
        client,
        "/staff/admin/boards/new",
        {
            "slug": "tyopajat", "name_fi": "Työpajat", "name_sv": "Workshoppar",
            "name_en": "Workshops", "description_fi": "Kuvaus", "description_sv": "Beskrivning",
            "description_en": "Description", "region": str(region.id), "visibility": "region",
            "position": "5",
        },
    )  # fmt: skip
    assert response.status_code == 302
    board = db.session.scalar(select(Board).where(Board.slug == "tyopajat"))
    assert (board.name_sv, board.region_id, board.visibility) == (
        "Workshoppar",
        region.id,
        "region",
    )
    response = post_form(
        client,
        f"/staff/admin/boards/{board.id}",
        {
            "slug": "tyopajat", "name_fi": "Alueen työpajat", "name_sv": "Workshoppar",
            "name_en": "Workshops", "description_fi": "Kuvaus", "description_sv": "Beskrivning",
            "description_en": "Description", "region": "0", "visibility": "public",
            "position": "5", "archived": "y",
        },
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(board)
    assert board.region_id is None and board.archived and board.name_fi == "Alueen työpajat"
    created, updated = _entries("board.create"), _entries("board.update")
    assert len(created) == 1 and created[0].actor_id == admin.id
    assert "name_fi: 'Työpajat' → 'Alueen työpajat'" in updated[0].details
    assert "archived: False → True" in updated[0].details


def test_a_taken_address_name_is_a_form_error(client, admin, make):
    make.board(slug="taken")
    response = post_form(
        client,
        "/staff/admin/boards/new",
        {
            "slug": "taken", "name_fi": "A", "name_sv": "B", "name_en": "C",
            "region": "0", "visibility": "public", "position": "1",
        },
    )  # fmt: skip
    assert response.status_code == 422
    assert "This name is already in use." in response.text
    assert 'value="A"' in response.text


def test_missing_translation_is_refused(client, admin):
    response = post_form(
        client,
        "/staff/admin/regions/new",
        {"slug": "lappi", "name_fi": "Lappi", "name_sv": "", "name_en": "Lapland",
         "position": "4"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Enter the name in every language." in response.text
    assert db.session.scalar(select(Region).where(Region.slug == "lappi")) is None


def test_admin_manages_regions_and_organisations(client, admin):
    post_form(
        client,
        "/staff/admin/regions/new",
        {"slug": "lappi", "name_fi": "Lappi", "name_sv": "Lappland", "name_en": "Lapland",
         "position": "4"},
    )  # fmt: skip
    region = db.session.scalar(select(Region).where(Region.slug == "lappi"))
    response = post_form(
        client,
        "/staff/admin/organisations/new",
        {"name": "Tunturin kunta", "kind": "municipality", "region": str(region.id)},
    )
    assert response.status_code == 302
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Tunturin kunta")
    )
    assert organisation.region_id == region.id
    listing = client.get("/staff/admin/organisations").text
    assert "Tunturin kunta" in listing and "Municipality" in listing
    assert {e.action for e in db.session.scalars(select(AuditEntry))} == {
        "region.create", "organisation.create"
    }  # fmt: skip


def test_admin_moves_a_member_and_makes_a_moderator(client, admin, make):
    person = make.user(name="Maija")
    new_home = make.organisation()
    board = make.board()
    region = make.region()
    response = post_form(
        client,
        f"/staff/admin/members/{person.id}",
        {"role": "moderator", "organisation": str(new_home.id), "active": "y",
         "moderated_boards": [str(board.id)], "moderated_regions": [str(region.id)]},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role == "moderator" and person.organisation_id == new_home.id
    scopes = db.session.scalars(select(ModerationScope)).all()
    assert {(s.board_id, s.region_id) for s in scopes} == {(board.id, None), (None, region.id)}
    details = _entries("member.update")[0].details
    assert "role: 'member' → 'moderator'" in details and "moderated boards" in details


def test_deactivating_a_member_signs_them_out(app, client, admin, make):
    person = make.user(email="leaving@example.fi", name="Leaving")
    theirs = app.test_client()
    Auth(theirs).login("leaving@example.fi")
    assert "Leaving" in theirs.get("/").text
    response = post_form(
        client,
        f"/staff/admin/members/{person.id}",
        {"role": "member", "organisation": str(person.organisation_id)},
    )
    assert response.status_code == 302
    assert "Leaving" not in theirs.get("/").text
    assert db.session.get(User, person.id).active is False
    assert len(_entries("member.deactivate")) == 1


def test_admin_cannot_lock_themselves_out(client, admin):
    response = post_form(
        client,
        f"/staff/admin/members/{admin.id}",
        {"role": "member", "organisation": str(admin.organisation_id), "active": "y"},
    )
    assert response.status_code == 422
    assert db.session.get(User, admin.id).role == "admin"


def test_member_list_never_shows_email_outside_admin(client, admin, make):
    person = make.user(email="private@example.fi")
    assert "private@example.fi" in client.get("/staff/admin/members?q=private").text
    assert "private@example.fi" not in client.get(f"/users/{person.id}").text


def test_audit_trail_is_browsable_and_filterable(client, admin, make):
    person = make.user()
    post_form(
        client,
        f"/staff/admin/members/{person.id}",
        {"role": "moderator", "organisation": str(person.organisation_id), "active": "y"},
    )
    post_form(
        client,
        "/staff/admin/regions/new",
        {"slug": "x", "name_fi": "X", "name_sv": "X", "name_en": "X", "position": "1"},
    )
    page = client.get("/staff/admin/audit").text
    # In words, with links to what was acted on and the change readable, never raw codes.
    assert "<td>changed a member’s role, organisation or moderation</td>" in page
    assert "<td>created a region</td>" in page
    assert f'<a href="/staff/admin/members/{person.id}">Member {person.id}</a>' in page
    assert '<p class="audit-details">Role: member → moderator</p>' in page
    assert "member.update" not in page.split("<table")[1] and "'member'" not in page
    assert '<option value="region.create">created a region</option>' in page
    filtered = client.get("/staff/admin/audit?action=region").text
    assert "created a region" in filtered and "<td>changed a member’s" not in filtered


def test_every_recorded_action_has_words(app):
    """Each action the code records (its string literals and f-string families) is in
    audit.labels; a new one without words fails here."""
    import pathlib

    from forum.audit.labels import ACTION_LABELS
    from forum.policy.rules import _STAFF_ON_OTHERS, STAFF_ACTIONS

    source = "\n".join(path.read_text() for path in pathlib.Path("forum").rglob("*.py"))
    recorded = set(re.findall(r'record\([^,]+, "([a-z_]+\.[a-z_]+)"', source))
    recorded |= {"member.deactivate", "member.update"}  # chosen in one expression
    recorded |= {
        f"{kind}.{verb}"
        for kind in ("region", "organisation", "board", "tag", "tag_group", "training_group")
        for verb in ("create", "update")
    }
    recorded |= {f"flag.{decision}" for decision in ("dismiss", "hide", "delete")}
    recorded |= {f"thread.{verb}" for verb in ("lock", "unlock", "pin", "unpin")}
    recorded |= {f"post.{verb}" for verb in ("hide", "unhide", "delete", "restore",
                                             "hide_pending", "hold_personal_data")}  # fmt: skip
    assert {"member.erase", "tag.merge", "revision.purge"} <= recorded  # the search finds them
    refused = STAFF_ACTIONS | _STAFF_ON_OTHERS  # recorded as "refused." + the action
    assert (recorded | refused) - set(ACTION_LABELS) == set()


def test_board_index_puts_the_readers_region_first(client, make):
    home, away = make.region(), make.region()
    make.board(region=away)
    make.board(region=home)
    make.board()
    make.user(region=home, email="reader@example.fi")
    Auth(client).login("reader@example.fi")
    page = client.get("/").text
    headings = re.findall(r'<h2 id="group-([\w-]+)"', page)
    assert headings == [home.slug, "national", away.slug]


def test_create_admin_command(app, make):
    organisation = make.organisation(name="Ohjelmatoimisto")
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "first@example.fi", "--name", "First Admin",
              "--organisation", "Ohjelmatoimisto", "--password", "a long admin passphrase"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db.session.commit()
    user = db.session.scalar(select(User).where(User.email == "first@example.fi"))
    assert user.role == "admin" and user.organisation_id == organisation.id


def test_the_start_page_counts_what_waits_and_the_weeks_activity(client, make):
    from forum.auth.models import Membership
    from forum.moderation.actions import flag_post

    admin = make.user(role="admin", email="paa@example.fi")
    thread = make.thread(make.board(), author=make.user())
    reply = make.reply(make.opening_post(thread), author=make.user(), body="Vastaus")
    flag_post(reply, by=make.user(), reason="spam")
    waiting = make.user(email="odottaa@example.fi")
    waiting.membership = Membership.PENDING
    db.session.commit()
    Auth(client).login(admin.email)
    page = client.get("/staff/admin/")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert '<span class="dashboard__count">1</span> open report about a message' in text
    assert '<span class="dashboard__count">1</span> membership request' in text
    assert '<span class="dashboard__count">0</span> tag proposals' in text
    assert '<span class="dashboard__count">1</span> new thread' in text
    assert '<span class="dashboard__count">1</span> reply' in text


def test_recorded_details_of_every_shape_read_in_words(app):
    from forum.audit.labels import readable_details

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert readable_details("messages: kept") == ["Messages: kept"]
        assert readable_details("revision 12") == ["Earlier version 12"]
        assert readable_details("merged 'tyokokeilu' into 'kokeilu'") == [
            "tyokokeilu merged into kokeilu"
        ]
        assert readable_details("until 2099-01-01T00:00:00+00:00") == ["Until 2099-01-01"]


def test_recorded_values_are_translated(app):
    from forum.audit.labels import readable_details

    with app.test_request_context(headers={"Accept-Language": "fi"}):
        assert readable_details("messages: removed") == ["Viestit: poistettu"]
