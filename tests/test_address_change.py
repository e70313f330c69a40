"""Changing the e-mail address: the password, the new address confirmed, the old one told and
able to take the account back. Through a real SMTP server on loopback."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.audit.models import AuditEntry
from forum.auth.models import AccountToken, Membership, User, UserSession
from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.mail import delivery
from tests.conftest import BASE_URL, Auth, form_token, link_in, outbox_rows
from tests.factories import PASSWORD, Factories

NEW_PASSWORD = "aivan uusi salasana 2026"


@pytest.fixture
def aino(mail_app):
    return Factories().user(email="aino@example.fi", name="Aino", locale="fi")


@pytest.fixture
def signed_in(mail_app, aino):
    client = mail_app.test_client()
    Auth(client).login("aino@example.fi")
    return client  # its pages in Aino's language, Finnish


def _ask(client, email: str, password: str = PASSWORD):
    page = client.get("/account")
    return client.post("/account/email", data={
        "csrf_token": form_token(page.text), "email-email": email,
        "email-current_password": password})  # fmt: skip


def _path(message) -> str:
    return link_in(message).removeprefix(BASE_URL)


def _email_of(user_id: int) -> str:
    db.session.commit()
    return db.session.get(User, user_id).email


def test_the_new_address_is_confirmed_from_its_link_and_the_old_one_is_told(signed_in, aino, smtp):
    _port, inbox = smtp
    response = _ask(signed_in, "Aino.Uusi@Example.fi")
    assert response.status_code == 302
    assert "aino.uusi@example.fi" in signed_in.get("/account").text  # the notice
    assert _email_of(aino.id) == "aino@example.fi"  # not before the link is followed
    assert delivery.deliver_due() == 1
    (confirm,) = inbox
    # To the new address, in the member's language, from the configured site address.
    assert confirm["To"] == "aino.uusi@example.fi" and "Vahvista" in confirm["Subject"]
    assert _path(confirm).startswith("/account/email/confirm/")
    assert signed_in.get(_path(confirm)).status_code == 302
    assert _email_of(aino.id) == "aino.uusi@example.fi"
    assert signed_in.get(_path(confirm)).status_code == 400  # once only
    assert delivery.deliver_due() == 1
    told = inbox[1]
    assert told["To"] == "aino@example.fi"
    assert "aino.uusi@example.fi" in told.get_body(("plain",)).get_content()
    assert _path(told).startswith("/account/email/undo/")
    # The session goes on; the next sign-in is with the new address.
    assert signed_in.get("/account").status_code == 200
    Auth(signed_in).logout()
    assert Auth(signed_in).login("aino@example.fi").status_code == 422
    assert Auth(signed_in).login("aino.uusi@example.fi").status_code == 302
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "account.email_change" in actions


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("aino.uusi@example.fi", "väärä salasana", "Nykyinen salasana on väärin."),
        ("Aino@example.fi", PASSWORD, "Tämä on jo sähköpostiosoitteesi."),
        ("ei-osoite", PASSWORD, "Anna sähköpostiosoite muodossa nimi@esimerkki.fi."),
        ("", PASSWORD, "Kirjoita uusi sähköpostiosoitteesi."),
    ],
)
def test_bad_requests_are_explained_keep_the_text_and_send_nothing(
    signed_in, aino, email, password, message
):
    response = _ask(signed_in, email, password)
    assert response.status_code == 422
    assert message in response.text
    if email:
        assert f'value="{email}"' in response.text  # the text comes back in the form
    assert outbox_rows() == []
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0


def test_an_address_with_an_account_answers_the_same_and_its_owner_is_told(signed_in, aino, smtp):
    _port, inbox = smtp
    Factories().user(email="toinen@example.fi", locale="sv")
    answers = []
    for email in ("vapaa@example.fi", "toinen@example.fi"):
        response = _ask(signed_in, email)
        notice = signed_in.get("/account").text
        answers.append((response.status_code, "Linkki uuden osoitteen vahvistamiseen" in notice))
    assert answers == [(302, True), (302, True)]
    delivery.deliver_due()
    assert [message["To"] for message in inbox] == ["vapaa@example.fi", "toinen@example.fi"]
    assert "Ingenting ändrades" in inbox[1].get_body(("plain",)).get_content()
    # Asking for the taken address withdrew the earlier link: nothing waits on any address.
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0
    assert signed_in.get(_path(inbox[0])).status_code == 400


def test_an_address_taken_before_the_link_is_followed_changes_nothing(signed_in, aino, smtp):
    _port, inbox = smtp
    _ask(signed_in, "uusi@example.fi")
    delivery.deliver_due()
    Factories().user(email="uusi@example.fi")
    response = signed_in.get(_path(inbox[0]))
    assert response.status_code == 409
    assert "on nyt toisella tilillä" in response.text
    assert _email_of(aino.id) == "aino@example.fi"


def test_expired_and_forged_links_are_refused(signed_in, aino, smtp):
    _port, inbox = smtp
    _ask(signed_in, "uusi@example.fi")
    delivery.deliver_due()
    assert signed_in.get("/account/email/confirm/forged").status_code == 400
    db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = signed_in.get(_path(inbox[0]))
    assert expired.status_code == 400 and "Pyydä uusi asetuksistasi" in expired.text
    assert _email_of(aino.id) == "aino@example.fi"


def test_a_password_reset_sent_to_the_old_address_stops_working(signed_in, aino, smtp):
    _port, inbox = smtp
    page = signed_in.get("/password/forgot")
    signed_in.post("/password/forgot", data={"csrf_token": form_token(page.text),
                                             "email": "aino@example.fi"})  # fmt: skip
    _ask(signed_in, "uusi@example.fi")
    delivery.deliver_due()
    reset, confirm = inbox
    signed_in.get(_path(confirm))
    assert signed_in.get(_path(reset)).status_code == 400


def test_the_owner_of_the_old_address_takes_the_account_back_with_a_new_password(
    mail_app, signed_in, aino, smtp
):
    _port, inbox = smtp
    # Someone who knows the password moves the account twice.
    for email in ("vieras@example.fi", "vieras2@example.fi"):
        _ask(signed_in, email)
        delivery.deliver_due()
        signed_in.get(_path(inbox[-1]))
        delivery.deliver_due()
    first_told = next(m for m in inbox if m["To"] == "aino@example.fi")
    undo = _path(first_told)
    owner = mail_app.test_client()
    page = owner.get(undo)
    assert page.status_code == 200 and "aino@example.fi" in page.text
    # A form, not the link itself: opening it changed nothing.
    assert _email_of(aino.id) == "vieras2@example.fi"
    short = owner.post(undo, data={"csrf_token": form_token(page.text), "password": "lyhyt",
                                   "password_confirm": "lyhyt"})  # fmt: skip
    assert short.status_code == 422 and _email_of(aino.id) == "vieras2@example.fi"
    back = owner.post(undo, data={"csrf_token": form_token(page.text), "password": NEW_PASSWORD,
                                  "password_confirm": NEW_PASSWORD})  # fmt: skip
    assert back.status_code == 302
    assert _email_of(aino.id) == "aino@example.fi"
    # Every sign-in ended, the old password is gone, the other links are withdrawn.
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert signed_in.get("/account").status_code == 302  # signed out
    assert Auth(owner).login("aino@example.fi", PASSWORD).status_code == 422
    assert Auth(owner).login("aino@example.fi", NEW_PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0
    assert owner.get(undo).status_code == 400
    assert "account.email_restore" in db.session.scalars(select(AuditEntry.action)).all()


def test_a_pending_account_moving_to_a_vouched_domain_joins_its_organisation(
    mail_app, signed_in, aino, smtp
):
    _port, inbox = smtp
    vouching = Factories().organisation(name="Kuusikylän kunta")
    begin_write()
    vouching.email_domains = "kuusikyla.fi"
    db.session.get(User, aino.id).membership = Membership.PENDING
    db.session.commit()
    _ask(signed_in, "aino@kuusikyla.fi")
    delivery.deliver_due()
    signed_in.get(_path(inbox[0]))
    db.session.commit()
    moved = db.session.get(User, aino.id)
    assert (moved.membership, moved.organisation_id) == (Membership.APPROVED, vouching.id)


def test_the_address_is_changed_only_when_signed_in(mail_app):
    client = mail_app.test_client()
    token = form_token(client.get("/login").text)
    response = client.post("/account/email", data={
        "csrf_token": token, "email-email": "x@example.fi",
        "email-current_password": PASSWORD})  # fmt: skip
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert outbox_rows() == []
