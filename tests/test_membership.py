"""Membership staff can vouch for: vouched-for domains, requests, and who decides them."""

import pytest
from sqlalchemy import select

from forum.audit.models import AuditEntry
from forum.auth import membership, signup
from forum.auth.models import AccountToken, Membership, User
from forum.database import begin_write
from forum.extensions import db
from forum.mail.models import OutboxMessage
from forum.policy import NotAllowed
from tests.conftest import Auth, form_token


@pytest.fixture
def programme(make):
    home, away = make.region(), make.region()
    vouching = make.organisation(region=home, name="Kuusikylän kunta")
    begin_write()
    vouching.email_domains = "kuusikyla.fi"
    db.session.commit()
    return {
        "home": home, "away": away, "vouching": vouching,
        "other": make.organisation(region=home, name="Merikaaren kaupunki"),
        "members_board": make.board(visibility="members"),
        "public_board": make.board(visibility="public"),
        "region_moderator": _moderator(make, region=home, email="alue@example.fi"),
        "elsewhere_moderator": _moderator(make, region=away, email="muualla@example.fi"),
        "admin": make.user(role="admin", email="admin@example.fi"),
    }  # fmt: skip


def _moderator(make, *, region, email):
    moderator = make.user(role="moderator", email=email, region=region)
    make.scope(moderator, region=region)
    return moderator


def _signed_up(email: str, organisation) -> User:
    """Registered through the real sign-up and confirmed through its real link."""
    signup.sign_up(display_name="Uusi Jäsen", email=email, password="pitkä ja hyvä salasana",
                   organisation_id=organisation.id, locale="fi")  # fmt: skip
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    token = signup.tokens.issue(user, signup.CONFIRM, signup.CONFIRM_LIFETIME)
    db.session.commit()
    signup.confirm_email(token)
    db.session.commit()
    return db.session.get(User, user.id)


def test_a_confirmed_address_on_a_vouched_domain_joins_that_organisation(programme):
    user = _signed_up("aino@Kuusikyla.fi", programme["other"])
    assert user.membership == Membership.APPROVED
    assert user.organisation_id == programme["vouching"].id


def test_anyone_else_waits_seeing_only_public_boards(client, programme):
    _signed_up("aino@gmail.example", programme["other"])
    Auth(client).login("aino@gmail.example", "pitkä ja hyvä salasana")
    assert client.get(f"/boards/{programme['public_board'].slug}").status_code == 200
    assert client.get(f"/boards/{programme['members_board'].slug}").status_code == 404
    assert client.get(f"/boards/{programme['public_board'].slug}/new").status_code == 403


def test_a_moderator_of_the_region_approves_and_the_person_is_told(client, programme):
    person = _signed_up("aino@gmail.example", programme["other"])
    Auth(client).login("alue@example.fi")
    page = client.get("/staff/members/requests")
    assert page.status_code == 200 and "aino@gmail.example" in page.text
    response = client.post(f"/staff/members/{person.id}/decide",
                           data={"csrf_token": form_token(page.text), "decision": "approve",
                                 "reason": ""})  # fmt: skip
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(User, person.id).membership == Membership.APPROVED
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == person.email))
    assert "membership_approved" in {message.kind for message in told}
    Auth(client).logout()
    Auth(client).login("aino@gmail.example", "pitkä ja hyvä salasana")
    assert client.get(f"/boards/{programme['members_board'].slug}").status_code == 200


def test_a_moderator_of_another_region_is_refused_and_audited(client, programme):
    person = _signed_up("aino@gmail.example", programme["other"])
    Auth(client).login("muualla@example.fi")
    page = client.get("/staff/members/requests")
    assert "aino@gmail.example" not in page.text
    response = client.post(
        f"/staff/members/{person.id}/decide",
        data={"csrf_token": form_token(page.text), "decision": "approve"},
    )
    assert response.status_code == 403
    db.session.commit()
    assert db.session.get(User, person.id).membership == Membership.PENDING
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert "refused.member.approve" in actions


def test_refusing_needs_a_reason_and_tells_it(client, programme):
    person = _signed_up("aino@gmail.example", programme["other"])
    with pytest.raises(NotAllowed):
        membership.decide(person, by=programme["elsewhere_moderator"], approve=False, reason="x")
    Auth(client).login("admin@example.fi")
    page = client.get("/staff/members/requests")
    client.post(
        f"/staff/members/{person.id}/decide",
        data={"csrf_token": form_token(page.text), "decision": "refuse", "reason": ""},
    )
    db.session.commit()
    assert db.session.get(User, person.id).membership == Membership.PENDING
    client.post(f"/staff/members/{person.id}/decide",
                data={"csrf_token": form_token(page.text), "decision": "refuse",
                      "reason": "Ei ohjelman organisaatio"})  # fmt: skip
    db.session.commit()
    assert db.session.get(User, person.id).membership == Membership.REFUSED
    refusal = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind ==
                                                            "membership_refused"))  # fmt: skip
    assert "Ei ohjelman organisaatio" in refusal.body_text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "member.refuse"))
    assert entry.reason == "Ei ohjelman organisaatio"
    with pytest.raises(membership.AlreadyDecided):
        membership.decide(db.session.get(User, person.id), by=programme["admin"], approve=True)


def test_unconfirmed_accounts_are_not_requests_yet(client, programme):
    signup.sign_up(display_name="Vahvistamaton", email="later@gmail.example",
                   password="pitkä ja hyvä salasana", organisation_id=programme["other"].id,
                   locale="fi")  # fmt: skip
    assert db.session.scalar(select(AccountToken.id)) is not None
    Auth(client).login("admin@example.fi")
    assert "later@gmail.example" not in client.get("/staff/members/requests").text
