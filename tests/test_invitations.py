"""Staff invite people by e-mail to an organisation: through a real SMTP server on loopback."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.audit.models import AuditEntry
from forum.auth.models import Invitation, Membership, User
from forum.database import utcnow
from forum.extensions import db
from forum.mail import delivery
from tests.conftest import BASE_URL, Auth, form_token, link_in, outbox_rows
from tests.factories import PASSWORD, Factories

CHOSEN = "oma hyvä salasana 2026"


@pytest.fixture
def programme(mail_app):
    make = Factories()
    home, away = make.region(), make.region()
    organisation = make.organisation(region=home, name="Kuusikylän kunta")
    region_moderator = make.user(role="moderator", email="alue@example.fi", region=home)
    make.scope(region_moderator, region=home)
    elsewhere = make.user(role="moderator", email="muualla@example.fi", region=away)
    make.scope(elsewhere, region=away)
    make.user(email="jasen@example.fi", region=home)
    return {
        "organisation": organisation, "away": make.organisation(region=away),
        "members_board": make.board(visibility="members"),
    }  # fmt: skip


def _staff_client(mail_app, email: str):
    client = mail_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    Auth(client).login(email)
    return client


def _invite(client, email: str, organisation_id: int, locale: str = "sv"):
    page = client.get("/staff/members/invitations")
    return client.post("/staff/members/invitations", data={
        "csrf_token": form_token(page.text), "email": email,
        "organisation": str(organisation_id), "locale": locale})  # fmt: skip


def _accept(client, path: str, *, name="Uusi Koordinaattori", password=CHOSEN):
    page = client.get(path)
    return client.post(path, data={
        "csrf_token": form_token(page.text), "display_name": name, "password": password,
        "password_confirm": password, "locale": "fi"})  # fmt: skip


def test_a_moderator_invites_to_an_organisation_of_their_region_and_the_link_opens_an_account(
    mail_app, programme, smtp
):
    _port, inbox = smtp
    staff = _staff_client(mail_app, "alue@example.fi")
    response = _invite(staff, "Kerttu@Kuusikyla.example", programme["organisation"].id)
    assert response.status_code == 302
    assert "kerttu@kuusikyla.example" in staff.get("/staff/members/invitations").text
    assert delivery.deliver_due() == 1
    (message,) = inbox
    # In the language chosen for the invitation, with a link from the configured address.
    assert message["To"] == "kerttu@kuusikyla.example" and "inbjuden" in message["Subject"]
    assert "Kuusikylän kunta" in message.get_body(("plain",)).get_content()
    path = link_in(message).removeprefix(BASE_URL)
    assert path.startswith("/invitations/")
    newcomer = mail_app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "kerttu@kuusikyla.example" in page.text
    assert _accept(newcomer, path).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "kerttu@kuusikyla.example"))
    assert user.membership == Membership.APPROVED and user.email_confirmed_at is not None
    assert user.organisation_id == programme["organisation"].id and user.locale == "fi"
    # Signed in at once, and a member: the members' board is open.
    assert newcomer.get(f"/boards/{programme['members_board'].slug}").status_code == 200
    assert newcomer.get(path).status_code == 400  # once only
    assert "kerttu@kuusikyla.example" not in staff.get("/staff/members/invitations").text
    assert "member.invite" in db.session.scalars(select(AuditEntry.action)).all()


def test_a_moderator_of_another_region_cannot_invite_there_and_is_audited(mail_app, programme):
    staff = _staff_client(mail_app, "muualla@example.fi")
    page = staff.get("/staff/members/invitations")
    assert "Kuusikylän kunta" not in page.text
    forged = _invite(staff, "kerttu@example.fi", programme["organisation"].id)
    assert forged.status_code == 403
    assert outbox_rows() == []
    assert "refused.member.invite" in db.session.scalars(select(AuditEntry.action)).all()


def test_members_have_no_invitations_page(mail_app, programme):
    member = _staff_client(mail_app, "jasen@example.fi")
    assert member.get("/staff/members/invitations").status_code == 403


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("jasen@example.fi", "This address already has an account"),
        ("ei-osoite", "Enter an email address like name@example.fi."),
        ("", "Enter the email address of the person you invite."),
    ],
)
def test_bad_invitations_are_explained_keep_the_text_and_send_nothing(
    mail_app, programme, email, message
):
    staff = _staff_client(mail_app, "alue@example.fi")
    response = _invite(staff, email, programme["organisation"].id)
    assert response.status_code == 422 and message in response.text
    if email:
        assert f'value="{email}"' in response.text
    assert outbox_rows() == []
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_an_unknown_organisation_is_an_error_in_the_form(mail_app, programme):
    staff = _staff_client(mail_app, "alue@example.fi")
    response = _invite(staff, "kerttu@example.fi", 987654)
    assert response.status_code == 422 and "Choose the organisation." in response.text


def test_a_new_invitation_replaces_the_earlier_and_a_withdrawn_one_stops_working(
    mail_app, programme, smtp
):
    _port, inbox = smtp
    staff = _staff_client(mail_app, "alue@example.fi")
    _invite(staff, "kerttu@example.fi", programme["organisation"].id)
    _invite(staff, "kerttu@example.fi", programme["organisation"].id, locale="en")
    delivery.deliver_due()
    first, second = (link_in(message).removeprefix(BASE_URL) for message in inbox)
    newcomer = mail_app.test_client()
    newcomer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert newcomer.get(first).status_code == 400
    assert newcomer.get(second).status_code == 200
    page = staff.get("/staff/members/invitations")
    (invitation_id,) = re.findall(r'id="invitation-(\d+)"', page.text)
    withdrawn = staff.post(f"/staff/members/invitations/{invitation_id}/withdraw",
                           data={"csrf_token": form_token(page.text)})  # fmt: skip
    assert withdrawn.status_code == 302
    refused = newcomer.get(second)
    assert refused.status_code == 400 and "was withdrawn" in refused.text
    assert "member.invitation_withdraw" in db.session.scalars(select(AuditEntry.action)).all()


def test_expired_and_forged_links_open_nothing(mail_app, programme, smtp):
    _port, inbox = smtp
    staff = _staff_client(mail_app, "alue@example.fi")
    _invite(staff, "kerttu@example.fi", programme["organisation"].id)
    delivery.deliver_due()
    path = link_in(inbox[0]).removeprefix(BASE_URL)
    newcomer = mail_app.test_client()
    assert newcomer.get("/invitations/forged-token").status_code == 400
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert newcomer.get(path).status_code == 400
    token = form_token(newcomer.get("/login").text)
    answer = newcomer.post(path, data={"csrf_token": token, "display_name": "Kerttu",
                                       "password": CHOSEN, "password_confirm": CHOSEN})  # fmt: skip
    assert answer.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "kerttu@example.fi")) is None


def test_a_bad_answer_keeps_the_name_and_opens_nothing(mail_app, programme, smtp):
    _port, inbox = smtp
    staff = _staff_client(mail_app, "alue@example.fi")
    _invite(staff, "kerttu@example.fi", programme["organisation"].id, locale="en")
    delivery.deliver_due()
    path = link_in(inbox[0]).removeprefix(BASE_URL)
    newcomer = mail_app.test_client()
    newcomer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = _accept(newcomer, path, name="Kerttu Koordinaattori", password="lyhyt")
    assert response.status_code == 422
    assert "at least 10 characters" in response.text
    assert 'value="Kerttu Koordinaattori"' in response.text
    assert db.session.scalar(select(User).where(User.email == "kerttu@example.fi")) is None
    assert _accept(newcomer, path).status_code == 302  # the link still works


def test_an_address_registered_after_the_invitation_is_not_taken_over(mail_app, programme, smtp):
    _port, inbox = smtp
    staff = _staff_client(mail_app, "alue@example.fi")
    _invite(staff, "kerttu@example.fi", programme["organisation"].id)
    delivery.deliver_due()
    Factories().user(email="kerttu@example.fi")
    response = _accept(mail_app.test_client(), link_in(inbox[0]).removeprefix(BASE_URL))
    assert response.status_code == 409
    assert Auth(mail_app.test_client()).login("kerttu@example.fi", PASSWORD).status_code == 302
