"""Accounts: registration, signing in and out, sessions that really end, profiles."""

import re

import pytest
from sqlalchemy import func, select

from forum.auth import actions
from forum.auth.models import User, UserSession
from forum.extensions import db
from tests.conftest import form_token, post_form
from tests.factories import PASSWORD


def _register(client, organisation_id, **overrides):
    data = {
        "display_name": "Aino Koordinaattori",
        "email": "Aino@Example.fi",
        "password": "pitkä ja hyvä salasana",
        "password_confirm": "pitkä ja hyvä salasana",
        "organisation": str(organisation_id),
        "locale": "fi",
        **overrides,
    }
    return post_form(client, "/register", data)


def _accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_registration_makes_an_unconfirmed_account_that_cannot_sign_in_yet(client, make):
    organisation = make.organisation()
    response = _register(client, organisation.id)
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    user = db.session.scalar(select(User))
    assert user.email == "aino@example.fi" and user.email_confirmed_at is None
    assert user.organisation_id == organisation.id and user.locale == "fi"
    assert user.password_hash.startswith("pbkdf2:") or user.password_hash.startswith("scrypt:")
    # Not signed in: the account sees what a signed-out reader sees until it confirms.
    assert "Sign out" not in client.get("/").text
    page = client.get("/login").text
    refused = client.post(
        "/login",
        data={
            "csrf_token": form_token(page),
            "email": "aino@example.fi",
            "password": "pitkä ja hyvä salasana",
        },
    )
    assert refused.status_code == 403 and "Confirm your email address first" in refused.text
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_production_hashing_is_scrypt(app, make):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = make.user()
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short", "password_confirm": "short"}, "at least 10 characters"),
        ({"password": "salasana123", "password_confirm": "salasana123"}, "too easy to guess"),
        ({"password": "aaaaaaaaaaaa", "password_confirm": "aaaaaaaaaaaa"}, "too easy to guess"),
        ({"password_confirm": "something else"}, "The passwords do not match."),
        ({"email": "not-an-email"}, "Enter an email address like"),
        ({"display_name": ""}, "Enter your name as others will see it."),
        ({"organisation": "999999"}, "Not a valid choice."),
    ],
)
def test_bad_registration_is_explained_and_kept(client, make, overrides, message):
    organisation = make.organisation()
    response = _register(client, organisation.id, locale="en", **overrides)
    assert response.status_code == 422
    assert message in response.text
    if overrides.get("display_name", "x"):
        assert "Aino Koordinaattori" in response.text
    assert _accounts() == 0


def test_registering_a_taken_address_answers_as_a_new_one_does(client, make):
    make.user(email="aino@example.fi")
    response = _register(client, make.organisation().id, email="AINO@example.FI")
    fresh = _register(client, make.organisation().id, email="uusi@example.fi")
    assert response.status_code == fresh.status_code == 302
    assert response.headers["Location"] == fresh.headers["Location"]
    assert _accounts() == 2  # the first address's account, and the new one
    from forum.mail.models import OutboxMessage

    kinds = {m.recipient: m.kind for m in db.session.scalars(select(OutboxMessage))}
    assert kinds == {"aino@example.fi": "registration_attempt", "uusi@example.fi": "confirm_email"}


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, make):
    make.user(email="known@example.fi")
    wrong = auth.login("known@example.fi", "not the password")
    unknown = auth.login("nobody@example.fi", "not the password")
    assert wrong.status_code == unknown.status_code == 422
    message = "The email address or password is not correct."
    assert message in wrong.text and message in unknown.text

    # Identical but for the address typed and the CSRF token's timestamp.
    def normalised(page: str, email: str) -> str:
        return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", page).replace(email, "X@")

    assert normalised(wrong.text, "known@") == normalised(unknown.text, "nobody@")


def test_deactivated_account_cannot_sign_in(client, auth, make):
    user = make.user(email="gone@example.fi")
    actions.deactivate(user)
    assert auth.login("gone@example.fi").status_code == 422


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/boards/x", "/boards/x"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_never_leaves_the_site(client, make, next_url, expected):
    make.user(email="aino@example.fi")
    page = client.get("/login", query_string={"next": next_url})
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"csrf_token": form_token(page.text), "email": "aino@example.fi",
              "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def _session_cookie(client):
    return client.get_cookie("session").value


def test_sign_in_starts_a_fresh_session(client, auth, make):
    make.user(email="aino@example.fi")
    client.get("/login")
    before = _session_cookie(client)
    auth.login("aino@example.fi")
    assert _session_cookie(client) != before
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_a_copied_cookie_stops_working_after_sign_out(app, client, auth, make):
    make.user(email="aino@example.fi", name="Aino")
    auth.login("aino@example.fi")
    copied = _session_cookie(client)
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    page = thief.get("/").text
    assert "Aino" not in page and "Sign out" not in page
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_password_change_ends_other_sessions(app, client, auth, make):
    make.user(email="aino@example.fi", name="Aino")
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).login("aino@example.fi")
    assert "Aino" in other.get("/").text
    auth.login("aino@example.fi")
    response = post_form(
        client,
        "/account",
        {
            "password-current_password": PASSWORD,
            "password-password": "a brand new passphrase",
            "password-password_confirm": "a brand new passphrase",
        },
        action="/account/password",
    )
    assert response.status_code == 302
    assert "Aino" in client.get("/").text  # this browser stays signed in
    assert "Aino" not in other.get("/").text  # the other one is out
    assert Auth(other).login("aino@example.fi", PASSWORD).status_code == 422
    assert Auth(other).login("aino@example.fi", "a brand new passphrase").status_code == 302


def test_password_change_needs_the_current_password(client, auth, make):
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    response = post_form(
        client,
        "/account",
        {
            "password-current_password": "wrong guess",
            "password-password": "a brand new passphrase",
            "password-password_confirm": "a brand new passphrase",
        },
        action="/account/password",
    )
    assert response.status_code == 422
    assert "The current password is not correct." in response.text


def test_deactivation_ends_open_sessions(client, auth, make):
    user = make.user(email="aino@example.fi", name="Aino")
    auth.login("aino@example.fi")
    actions.deactivate(db.session.get(User, user.id))
    assert "Aino" not in client.get("/").text


def test_remember_me_survives_the_browser_session_but_not_sign_out(app, client, auth, make):
    make.user(email="aino@example.fi", name="Aino")
    auth.login("aino@example.fi", remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    restarted = app.test_client()  # a browser restart drops the session cookie
    restarted.set_cookie("remember_token", remember.value)
    assert "Aino" in restarted.get("/").text
    auth.logout()
    later = app.test_client()
    later.set_cookie("remember_token", remember.value)
    assert "Aino" not in later.get("/").text


def test_expired_sessions_do_not_authenticate(client, auth, make):
    from datetime import timedelta

    from forum.database import utcnow

    make.user(email="aino@example.fi", name="Aino")
    auth.login("aino@example.fi")
    db.session.execute(db.update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert "Aino" not in client.get("/").text
    assert actions.remove_expired_sessions() == 1


def test_profile_lists_threads_and_replies(client, auth, make):
    make.user(email="reader@example.fi")
    auth.login("reader@example.fi")
    author = make.user(name="Aino")
    thread = make.thread(author=author, title="Aino's question")
    other = make.thread(title="Someone else's thread")
    make.reply(make.opening_post(other), author=author, body="Aino's answer")
    page = client.get(f"/users/{author.id}").text
    assert "Aino&#39;s question" in page and "Aino&#39;s answer" in page
    assert f"/threads/{thread.id}" in page
    assert author.email not in page


def test_profiles_are_for_members(client, auth, make):
    author = make.user(name="Aino Esimerkki")
    response = client.get(f"/users/{author.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    from forum.auth.models import Membership
    from forum.database import begin_write

    applicant = make.user(email="applicant@example.fi")
    begin_write()
    applicant.membership = Membership.PENDING
    db.session.commit()
    auth.login("applicant@example.fi")
    refused = client.get(f"/users/{author.id}")
    assert refused.status_code == 403 and "Aino Esimerkki" not in refused.text


def test_profile_of_unknown_or_closed_account_is_404(client, auth, make):
    make.user(email="reader@example.fi")
    auth.login("reader@example.fi")
    user = make.user()
    actions.deactivate(user)
    assert client.get(f"/users/{user.id}").status_code == 404
    assert client.get("/users/999999").status_code == 404


def test_preferences_change_the_ui_language(client, auth, make):
    make.user(email="aino@example.fi", locale="en")
    auth.login("aino@example.fi")
    response = post_form(client, "/account", {"prefs-locale": "sv"}, action="/account/preferences")
    assert response.status_code == 302
    page = client.get("/").text
    assert '<html lang="sv">' in page
    assert "Dina inställningar är sparade." in page  # the notice speaks the new language too
