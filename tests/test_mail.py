"""Mail that is never lost, and account recovery: through a real SMTP server on loopback."""

import re
import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from forum import create_app
from forum.auth.models import AccountToken, UserSession
from forum.database import utcnow
from forum.extensions import db
from forum.mail import delivery
from forum.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import (
    BASE_URL,
    TEST_CONFIG,
    Auth,
    IsolatedClient,
    form_token,
    link_in,
    mail_app_for,
    outbox_rows,
)
from tests.factories import PASSWORD, Factories
from tests.mail_server import free_port, smtp_server


def _forgot(client, email: str, **headers):
    page = client.get("/password/forgot", headers=headers)
    return client.post("/password/forgot", data={"csrf_token": form_token(page.text),
                       "email": email}, headers=headers)  # fmt: skip


def test_a_forgotten_password_is_reset_from_the_link_in_the_members_language(mail_app, smtp):
    _port, inbox = smtp
    client = mail_app.test_client()
    make = Factories()
    make.user(email="aino@example.fi", name="Aino", locale="fi")
    elsewhere = mail_app.test_client()  # a browser signed in before the reset
    Auth(elsewhere).login("aino@example.fi")
    response = _forgot(client, "Aino@Example.fi", Host="evil.example")
    assert response.status_code == 302
    assert delivery.deliver_due() == 1
    (message,) = inbox
    assert message["To"] == "aino@example.fi" and "uusi salasana" in message["Subject"].lower()
    link = link_in(message)
    # From the configured address, never from the Host the request named.
    assert link.startswith(f"{BASE_URL}/password/reset/")
    assert link in message.get_body(("html",)).get_content()
    path = link.removeprefix(BASE_URL)
    page = client.get(path)
    assert page.status_code == 200
    reset = client.post(path, data={"csrf_token": form_token(page.text),
                                    "password": "uusi salasana 2026",
                                    "password_confirm": "uusi salasana 2026"})  # fmt: skip
    assert reset.status_code == 302 and reset.headers["Location"].endswith("/login")
    # Every earlier sign-in ended; the new password signs in; the link works once.
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert "aino@example.fi" not in elsewhere.get("/account").text
    assert Auth(client).login("aino@example.fi", "uusi salasana 2026").status_code == 302
    Auth(client).logout()
    assert client.get(path).status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app, smtp):
    make = Factories()
    make.user(email="known@example.fi")
    client = mail_app.test_client()
    answers = []
    for email in ("known@example.fi", "nobody@example.fi"):
        response = _forgot(client, email)
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"],
                        "Jos tällä osoitteella on tili" in page.text))  # fmt: skip
    assert answers[0] == answers[1] == (302, "/login", True)
    assert [message.recipient for message in outbox_rows()] == ["known@example.fi"]


def test_expired_used_and_forged_links_are_refused(mail_app, smtp):
    _port, inbox = smtp
    make = Factories()
    make.user(email="aino@example.fi")
    client = mail_app.test_client()
    _forgot(client, "aino@example.fi")
    delivery.deliver_due()
    path = link_in(inbox[0]).removeprefix(BASE_URL)
    assert client.get("/password/reset/forged-token-of-no-account").status_code == 400
    db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = client.get(path)
    assert expired.status_code == 400 and "on vanhentunut tai sitä on jo käytetty" in expired.text
    # Nothing stored from a refused link.
    page_token = form_token(client.get("/login").text)
    client.post(path, data={"csrf_token": page_token, "password": "x" * 12,
                            "password_confirm": "x" * 12})  # fmt: skip
    assert Auth(client).login("aino@example.fi", PASSWORD).status_code == 302


def test_mail_waits_while_smtp_is_down_and_is_sent_once_it_is_back(database_url):
    port = free_port()  # nothing listens here yet
    app = mail_app_for(database_url, port)
    with app.app_context():
        make = Factories()
        make.user(email="aino@example.fi")
        _forgot(app.test_client(), "aino@example.fi")
        assert delivery.deliver_due() == 0
        (message,) = outbox_rows()
        assert message.status == OutboxStatus.PENDING and message.attempts == 1
        assert message.last_error and message.next_attempt_at > utcnow()
        assert delivery.deliver_due() == 0  # not due again yet: no second attempt
        assert outbox_rows()[0].attempts == 1
        with smtp_server(port) as (_port, inbox):
            db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
            db.session.commit()
            assert delivery.deliver_due() == 1
            assert delivery.deliver_due() == 0
            assert len(inbox) == 1
        assert outbox_rows()[0].status == OutboxStatus.SENT
        db.session.remove()
        db.engine.dispose()


def test_two_workers_send_every_message_exactly_once(mail_app, smtp):
    _port, inbox = smtp
    make = Factories()
    for number in range(12):
        make.user(email=f"member{number}@example.fi")
        _forgot(mail_app.test_client(), f"member{number}@example.fi")
    sent = []

    def worker():
        with mail_app.app_context():
            sent.append(delivery.deliver_due())
            db.session.remove()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    assert sum(sent) == 12 and len(inbox) == 12
    assert len({message["Message-ID"] for message in inbox}) == 12
    assert all(message.status == OutboxStatus.SENT for message in outbox_rows())


def test_a_message_whose_worker_died_mid_send_is_sent_by_the_next_run(mail_app, smtp):
    _port, inbox = smtp
    Factories().user(email="aino@example.fi")
    _forgot(mail_app.test_client(), "aino@example.fi")
    (message,) = outbox_rows()
    # A worker claimed it and was killed before it sent anything.
    assert delivery._claim(message.id, utcnow())
    assert delivery.deliver_due() == 0 and inbox == []
    # Its claim runs out; the next run sends it, once.
    db.session.execute(update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert delivery.deliver_due() == 1 and delivery.deliver_due() == 0
    assert len(inbox) == 1


def test_an_administrator_sends_a_reset_link_in_the_members_language(mail_app, smtp):
    _port, inbox = smtp
    make = Factories()
    member = make.user(email="sven@example.fi", locale="sv")
    make.user(email="admin@example.fi", role="admin", locale="en")
    client = mail_app.test_client()
    Auth(client).login("admin@example.fi")
    page = client.get(f"/staff/admin/members/{member.id}")
    response = client.post(f"/staff/admin/members/{member.id}/reset-link",
                           data={"csrf_token": form_token(page.text)})  # fmt: skip
    assert response.status_code == 302
    delivery.deliver_due()
    assert inbox[0]["To"] == "sven@example.fi" and "lösenord" in inbox[0]["Subject"]
    from forum.audit.models import AuditEntry

    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "member.reset_link" in actions


def test_without_smtp_the_development_server_writes_eml_files(database_url, tmp_path, capsys):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "FORUM_BASE_URL": "http://127.0.0.1:5000"})  # fmt: skip
    app.instance_path = str(tmp_path)
    app.test_client_class = IsolatedClient
    with app.app_context():
        Factories().user(email="aino@example.fi")
        _forgot(app.test_client(), "aino@example.fi")
        assert delivery.deliver_due() == 1
        (eml,) = (tmp_path / "mail").glob("*.eml")
        assert "http://127.0.0.1:5000/password/reset/" in eml.read_text()
        assert str(eml) in capsys.readouterr().out
        db.session.remove()
        db.engine.dispose()


def _register(client, email: str):
    page = client.get("/register")
    organisation = re.search(r'<option value="(\d+)"', page.text).group(1)
    return client.post("/register", data={
        "csrf_token": form_token(page.text), "display_name": "Uusi Koordinaattori",
        "email": email, "password": "pitkä ja hyvä salasana",
        "password_confirm": "pitkä ja hyvä salasana", "organisation": organisation,
        "locale": "sv"})  # fmt: skip


def test_an_address_is_confirmed_from_the_link_once_and_then_the_account_signs_in(mail_app, smtp):
    _port, inbox = smtp
    Factories().organisation()
    client = mail_app.test_client()
    assert _register(client, "uusi@example.fi").status_code == 302
    assert delivery.deliver_due() == 1
    (message,) = inbox
    assert message["To"] == "uusi@example.fi" and "Bekräfta" in message["Subject"]
    path = link_in(message).removeprefix(BASE_URL)
    assert path.startswith("/confirm/")
    assert client.get(path).status_code == 302
    assert client.get(path).status_code == 400  # once only
    assert Auth(client).login("uusi@example.fi", "pitkä ja hyvä salasana").status_code == 302


def test_an_expired_confirmation_link_is_refused_and_signing_in_sends_a_new_one(mail_app, smtp):
    _port, inbox = smtp
    Factories().organisation()
    client = mail_app.test_client()
    _register(client, "uusi@example.fi")
    delivery.deliver_due()
    db.session.execute(
        update(AccountToken).values(
            expires_at=utcnow() - timedelta(seconds=1), created_at=utcnow() - timedelta(hours=49)
        )
    )
    db.session.commit()  # fmt: skip
    assert client.get(link_in(inbox[0]).removeprefix(BASE_URL)).status_code == 400
    refused = Auth(client).login("uusi@example.fi", "pitkä ja hyvä salasana")
    assert refused.status_code == 403
    assert delivery.deliver_due() == 1
    assert client.get(link_in(inbox[1]).removeprefix(BASE_URL)).status_code == 302
