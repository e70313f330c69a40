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
