"""Abuse limits: a brute force is slowed down with a translated page, not a stack trace."""

import pytest

from forum.extensions import db
from tests.conftest import TEST_CONFIG, Auth, IsolatedClient, form_token, post_form
from tests.factories import PASSWORD, Factories


@pytest.fixture
def app_factory(database_url):
    from forum import create_app

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True})  # fmt: skip
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def limited_client(app_factory):
    return app_factory.test_client()


def _sign_in(client, email, password, *, address="192.0.2.1", forwarded=None):
    page = client.get("/login").text
    headers = {"Accept-Language": "fi"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return client.post(
        "/login", data={"csrf_token": form_token(page), "email": email, "password": password},
        headers=headers, environ_base={"REMOTE_ADDR": address},
    )  # fmt: skip


def test_guessing_one_account_from_one_address_is_slowed(limited_client):
    Factories().user(email="target@example.fi")
    statuses = [
        _sign_in(limited_client, "target@example.fi", f"guess {n}").status_code for n in range(7)
    ]
    assert statuses == [422] * 5 + [429, 429]
    blocked = _sign_in(limited_client, "target@example.fi", PASSWORD)
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "Liian monta epäonnistunutta kirjautumisyritystä" in blocked.text
    assert 'value="target@example.fi"' in blocked.text  # the form keeps what was typed


def test_successful_sign_ins_spend_no_budget(limited_client):
    Factories().user(email="daily@example.fi")
    for _ in range(12):
        assert _sign_in(limited_client, "daily@example.fi", PASSWORD).status_code == 302
        Auth(limited_client).logout()


def test_a_colleague_behind_the_same_address_still_signs_in(limited_client):
    make = Factories()
    make.user(email="target@example.fi")
    make.user(email="colleague@example.fi")
    for n in range(6):
        _sign_in(limited_client, "target@example.fi", f"guess {n}", address="198.51.100.7")
    assert _sign_in(limited_client, "target@example.fi", PASSWORD,
                    address="198.51.100.7").status_code == 429  # fmt: skip
    colleague = _sign_in(limited_client, "colleague@example.fi", PASSWORD, address="198.51.100.7")
    assert colleague.status_code == 302


def test_guesses_from_everywhere_cannot_lock_out_a_browser_that_signed_in_before(
    limited_client, app_factory
):
    make = Factories()
    make.user(email="victim@example.fi")
    assert _sign_in(limited_client, "victim@example.fi", PASSWORD).status_code == 302
    Auth(limited_client).logout()
    attacker = app_factory.test_client()
    for n in range(60):  # the account's budget, spent from sixty addresses
        _sign_in(attacker, "victim@example.fi", f"guess {n}", address=f"203.0.113.{n}")
    # A new browser is held to the account's spent budget, even with the right password ...
    assert (
        _sign_in(attacker, "victim@example.fi", PASSWORD, address="203.0.113.200").status_code
        == 429
    )
    # ... but the owner's browser, known from its earlier sign-in, is not.
    assert _sign_in(limited_client, "victim@example.fi", PASSWORD).status_code == 302


def test_an_unknown_address_fails_as_a_wrong_password_does(limited_client):
    Factories().user(email="known@example.fi")
    unknown = _sign_in(limited_client, "nobody@example.fi", "x")
    wrong = _sign_in(limited_client, "known@example.fi", "x", address="192.0.2.2")
    assert unknown.status_code == wrong.status_code == 422
    message = "Sähköpostiosoite tai salasana on väärin"
    assert message in unknown.text and message in wrong.text


def test_posting_flood_keeps_the_text(limited_client):
    make = Factories()
    thread = make.thread()
    opening = make.opening_post(thread)
    make.user(email="flood@example.fi")
    Auth(limited_client).login("flood@example.fi")
    responses = [
        post_form(
            limited_client, f"/posts/{opening.id}/reply", {"body": f"Message {n}", "language": "en"}
        )
        for n in range(21)
    ]
    assert [r.status_code for r in responses[:20]] == [302] * 20
    assert responses[20].status_code == 429
    assert "Message 20</textarea>" in responses[20].text


@pytest.mark.parametrize("default_limits", [[], ["1 per day"]])
def test_requests_are_checked_before_the_view_only_where_every_request_has_a_limit(
    default_limits,
):
    """Without limits on every request, a request is not checked before its view; a decorated
    view is limited all the same, and a default limit, once set, is checked again."""
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    from forum.speedups.limits import check_limits_only_where_set

    app = Flask(__name__)
    limiter = Limiter(
        get_remote_address, app=app, default_limits=default_limits, storage_uri="memory://"
    )

    @app.get("/open")
    def open_page():
        return "open"

    @app.get("/limited")
    @limiter.limit("2 per day")
    def limited_page():
        return "limited"

    check_limits_only_where_set(app, limiter)
    checked_first = limiter._check_request_limit in app.before_request_funcs[None]
    assert checked_first == bool(default_limits)
    client = app.test_client()
    limited = [client.get("/limited").status_code for _ in range(3)]
    opened = [client.get("/open").status_code for _ in range(2)]
    assert limited == [200, 200, 429]  # its own limit, in place of the default
    assert opened == ([200, 429] if default_limits else [200, 200])


def test_redis_storage_is_shared_between_processes(database_url, redis_url):
    """With Redis configured, every app process counts against the same limit."""
    from forum import create_app

    url = redis_url
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
              "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url}  # fmt: skip
    first, second = create_app(config), create_app(config)
    clients = []
    for app in (first, second):
        app.test_client_class = IsolatedClient
        clients.append(app.test_client())
    statuses = []
    for attempt in range(8):
        client = clients[attempt % 2]  # alternate between the two "processes"
        app = (first, second)[attempt % 2]
        with app.app_context():
            page = client.get("/login").text
            statuses.append(
                client.post(
                    "/login",
                    data={"csrf_token": form_token(page), "email": "x@example.fi",
                          "password": "wrong"},
                ).status_code
            )  # fmt: skip
            db.session.remove()
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
    # One account's budget from one address (five failures), not one per process.
    assert statuses == [422] * 5 + [429] * 3


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_client_address_comes_from_trusted_proxies_only(database_url, proxies):
    from forum import create_app

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": proxies})  # fmt: skip
    app.test_client_class = IsolatedClient
    with app.app_context():
        Factories().user(email="target@example.fi")
        client = app.test_client()
        for n in range(5):
            _sign_in(client, "target@example.fi", f"guess {n}", forwarded="198.51.100.1")
        # Behind one proxy, another client of the same proxy is another address.
        other = _sign_in(client, "target@example.fi", "guess", forwarded="198.51.100.2")
        assert other.status_code == (422 if proxies else 429)
        db.session.remove()
        db.engine.dispose()


def test_a_new_members_first_day_is_capped(client, auth, make):
    from forum.threads.new_members import NEW_MEMBER_LINKS_PER_POST, NEW_MEMBER_POSTS_PER_HOUR

    thread = make.thread()
    opening = make.opening_post(thread)
    make.user(email="new@example.fi", new=True)
    auth.login("new@example.fi")
    links = " ".join(f"https://example.fi/{n}" for n in range(NEW_MEMBER_LINKS_PER_POST + 1))
    response = post_form(client, f"/posts/{opening.id}/reply", {"body": links, "language": "fi"})
    assert response.status_code == 422 and "links in a message" in response.text
    for n in range(NEW_MEMBER_POSTS_PER_HOUR):
        reply = post_form(
            client, f"/posts/{opening.id}/reply", {"body": f"Hei {n}", "language": "fi"}
        )
        assert reply.status_code == 302
    response = post_form(
        client, f"/posts/{opening.id}/reply", {"body": "Vielä yksi", "language": "fi"}
    )
    assert response.status_code == 429 and "messages an hour" in response.text
    assert "Vielä yksi</textarea>" in response.text


def test_members_of_some_standing_are_not_capped(client, auth, make):
    from forum.threads.new_members import NEW_MEMBER_POSTS_PER_HOUR

    thread = make.thread()
    opening = make.opening_post(thread)
    make.user(email="settled@example.fi")
    auth.login("settled@example.fi")
    for n in range(NEW_MEMBER_POSTS_PER_HOUR + 1):
        reply = post_form(
            client, f"/posts/{opening.id}/reply", {"body": f"Hei {n}", "language": "fi"}
        )
        assert reply.status_code == 302
