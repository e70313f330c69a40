"""Input no browser sends, on every route: never a 5xx, always a translated 4xx.

Values past the database's integer range (PostgreSQL's integer is 32 bits), NUL characters
(PostgreSQL's text cannot hold one), bodies over the size limit, and values a select cannot
take, in the path, the query string and every form field a page reads.
"""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.practices.models import GoodPractice
from forum.tags.models import Tag
from tests.conftest import Auth, form_token

HUGE_NUMBERS = ("99999999999999999999", "2147483648", "-2147483649")
NUL = "työ\x00kyky"
# Every name a form or filter of the forum reads, so each reaches its parsing.
FIELDS = (
    "body", "title", "email", "password", "password_confirm", "current_password",
    "display_name", "reason", "note", "until", "board", "moderated_boards", "moderated_regions",
    "organisation", "region", "locale", "language", "tags", "tag", "submission_id", "version",
    "verb", "decision", "slug", "name_fi", "name_sv", "name_en", "description_fi",
    "description_sv", "description_en", "visibility", "position", "kind", "role", "q", "page",
    "author", "actor", "action", "from", "to", "sort", "next", "maturity", "summary_fi",
    "summary_sv", "summary_en", "into", "group", "required", "remember", "prefs-locale",
    "password-current_password", "password-password", "password-password_confirm",
    "messages", "confirm", "training_group", "description", "comment",
    "approaches", "works_well", "challenges", "information_needs", "needs", "shared_with_members",
    "shared", "starts_at", "ends_at", "place", "online_url", "audience", "capacity",
    "link", "cited", "target_date", "status", "order",
)  # fmt: skip


@pytest.fixture
def world(app, make):
    region = make.region()
    board = make.board(region=None)
    admin = make.user(email="admin@example.fi", role="admin", region=region)
    author = make.user(email="author@example.fi", region=region)
    thread = make.thread(board, author=author, body="Avaus")
    opening = make.opening_post(thread)
    reply = make.reply(opening, author=admin, body="Vastaus")
    tag = db.session.scalar(select(Tag).limit(1))
    practice = db.session.scalar(select(GoodPractice).limit(1))
    group = make.group(members=[author])
    return {
        "admin": admin,
        "ids": {
            "thread_id": thread.id,
            "post_id": reply.id,
            "user_id": author.id,
            "member_id": author.id,
            "item_id": region.id,
            "tag_id": tag.id,
            "flag_id": 1,
            "revision_id": 1,
            "invitation_id": 1,
            "notification_id": 1,
            "export_id": 1,
            "practice_id": practice.id if practice else 1,
            "group_id": group.id,
            "organisation_id": author.organisation_id,
            "version": 1,
            "event_id": 1,
            "goal_id": 1,
            "evidence_id": 1,
        },  # fmt: skip
        "strings": {"slug": board.slug, "kind": "regions", "code": "fi", "token": "x" * 43},
    }


def _rules(app):
    # Signing out would end the walk's own session half-way.
    # /readyz takes no input, and its 503 (no worker beats here) is its answer (test_health).
    skipped = {"static", "auth.logout", "health.ready"}
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in skipped]


def _url(rule, values: dict) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[\w()=, ]+:)?{name}>", str(values[name]), url)
    return url


def _check(response, what):
    assert response.status_code < 500, (what, response.status_code)


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "admin"])
def test_no_route_answers_5xx_to_hostile_values(app, client, world, signed_in):
    if signed_in:
        Auth(client).login("admin@example.fi")
    token = form_token(client.get("/login" if not signed_in else "/").text)
    for rule in _rules(app):
        methods = sorted(rule.methods & {"GET", "POST"})
        # Hostile values in the path: each argument in turn.
        for name in rule.arguments:
            for hostile in (*HUGE_NUMBERS, NUL, "%00"):
                values = {**world["ids"], **world["strings"], name: hostile}
                url = _url(rule, values)
                for method in methods:
                    _check(client.open(url, method=method, data={"csrf_token": token}), url)
        url = _url(rule, {**world["ids"], **world["strings"]})
        for hostile in (*HUGE_NUMBERS, NUL, "not-a-number"):
            query = {field: hostile for field in FIELDS}
            for method in methods:
                data = {**query, "csrf_token": token} if method == "POST" else None
                _check(client.open(url, method=method, query_string=query, data=data),
                       (url, method, hostile))  # fmt: skip
    if signed_in:  # still signed in as admin: the walk reached every admin page's forms
        assert client.get("/staff/admin/").status_code == 200


def test_a_post_over_the_size_limit_gets_a_translated_413(app, client, world):
    Auth(client).login("author@example.fi")
    token = form_token(client.get("/").text)
    too_large = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/posts/{world['ids']['post_id']}/reply",
        data={"csrf_token": token, "body": too_large},
    )
    assert response.status_code == 413
    assert "What you sent is too large." in response.text


def test_a_nul_in_a_form_gets_a_400_with_the_text_kept(app, client, world):
    Auth(client).login("author@example.fi")
    token = form_token(client.get("/").text)
    response = client.post(
        f"/posts/{world['ids']['post_id']}/reply",
        data={"csrf_token": token, "body": "Tärkeä\x00 vastaus", "language": "fi"},
    )
    assert response.status_code == 400
    assert "Tärkeä vastaus" in response.text


def test_the_sign_in_form_takes_a_nul_without_failing(client):
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login", data={"csrf_token": token, "email": "a\x00@example.fi", "password": "x\x00"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["not-a-number", "99999999999999999999", "2147483648", ""])
def test_the_admin_member_form_refuses_a_board_it_does_not_offer(client, world, value):
    Auth(client).login("admin@example.fi")
    member_id = world["ids"]["member_id"]
    page = client.get(f"/staff/admin/members/{member_id}")
    response = client.post(
        f"/staff/admin/members/{member_id}",
        data={"csrf_token": form_token(page.text), "role": "moderator",
              "organisation": str(world["admin"].organisation_id),
              "moderated_boards": value, "active": "y"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "moderated_boards" in response.text
