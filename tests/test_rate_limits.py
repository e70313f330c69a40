"""Abuse limits: a brute force is slowed down with a translated page, not a stack trace."""

import pytest

from forum.extensions import db
from tests.conftest import TEST_CONFIG, Auth, IsolatedClient, form_token, post_form
from tests.factories import Factories


@pytest.fixture
def limited_client(database_url):
    from forum import create_app

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True})  # fmt: skip
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_login_brute_force_is_slowed(limited_client):
    Factories().user(email="target@example.fi")
    page = limited_client.get("/login").text
    statuses = [
        limited_client.post(
            "/login",
            data={"csrf_token": form_token(page), "email": "target@example.fi",
                  "password": f"guess {n}"},
            headers={"Accept-Language": "fi"},
        ).status_code
        for n in range(12)
    ]  # fmt: skip
    assert statuses[:10] == [422] * 10
    assert statuses[10:] == [429, 429]
    blocked = limited_client.post(
        "/login", data={"csrf_token": form_token(page), "email": "target@example.fi",
                        "password": "x"}, headers={"Accept-Language": "fi"},
    )  # fmt: skip
    assert "Liian monta yritystä" in blocked.text
    assert "Retry-After" in blocked.headers


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

    from forum.extensions import check_limits_only_where_set

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


def test_redis_storage_is_shared_between_processes(database_url):
    """With Redis configured, every app process counts against the same limit."""
    import redis

    from forum import create_app

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
              "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url}  # fmt: skip
    first, second = create_app(config), create_app(config)
    clients = []
    for app in (first, second):
        app.test_client_class = IsolatedClient
        clients.append(app.test_client())
    statuses = []
    for attempt in range(12):
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
    assert statuses[:10] == [422] * 10 and statuses[10:] == [429, 429]
    redis.Redis.from_url(url).flushdb()
