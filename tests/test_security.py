"""The second wall: headers, CSRF on every form, cookie flags, translated error pages."""

import logging
import re

import pytest

from forum import UnsafeConfiguration, create_app
from forum.security import CONTENT_SECURITY_POLICY


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'self'"):  # fmt: skip
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/nowhere").headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_or_style(client, make):
    make.thread()
    for url in ("/", "/login", "/register", "/threads/1"):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


# A mail program's one-click unsubscribe (RFC 8058) posts no form: the signed token in its address
# is what only the recipient has (tests/test_notification_mail.py).
WITHOUT_CSRF = {"notifications.unsubscribe"}


def _post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in WITHOUT_CSRF:
            arguments = {name: "1" for name in rule.arguments}
            if "slug" in arguments:
                arguments["slug"] = "x"
            if "code" in arguments:
                arguments["code"] = "fi"
            yield rule.endpoint, rule.rule, arguments


def test_every_post_refuses_a_missing_csrf_token(app, client, auth, make):
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    rules = list(_post_rules(app))
    assert {endpoint for endpoint, _rule, _args in rules} >= {
        "auth.login", "auth.logout", "auth.register", "threads.start", "threads.reply",
        "auth.save_preferences", "auth.change_password",
    }  # fmt: skip
    for endpoint, rule, arguments in rules:
        url = rule
        for name, value in arguments.items():
            url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
        response = client.post(url, data={"title": "t", "body": "b"})
        assert response.status_code == 400, endpoint
        assert "Your form had expired" in response.text, endpoint


def test_csrf_error_hands_back_the_users_text(client, auth, make):
    board = make.board()
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    response = client.post(
        f"/boards/{board.slug}/new", data={"title": "My title", "body": "Long careful text"}
    )
    assert response.status_code == 400
    assert "Long careful text</textarea>" in response.text
    assert "My title</textarea>" in response.text


def test_cookies_are_http_only_and_lax(client, auth, make):
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi", remember=True)
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie.http_only and cookie.same_site == "Lax", name


@pytest.fixture
def production(monkeypatch):
    """The environment of a production process, less what each test takes away."""
    for name in ("DATABASE_URL", "FORUM_DEVELOPMENT", "FORUM_RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "production-like")
    monkeypatch.setenv("FORUM_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("FORUM_BASE_URL", "https://foorumi.example.fi")
    return monkeypatch


@pytest.mark.parametrize("database", [None, "postgresql://nowhere.invalid/forum"])
def test_production_cookies_are_secure_whatever_the_database(production, database):
    # Production was inferred from DATABASE_URL: gunicorn on SQLite sent cookies without Secure.
    if database:
        production.setenv("DATABASE_URL", database)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.test_request_context():
        response = app.process_response(app.make_response("x"))
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_to_start_without_a_secret_key(production, tmp_path):
    production.delenv("SECRET_KEY")
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY is not set"):
        create_app()


def test_production_refuses_limits_kept_in_each_process(production):
    production.setenv("FORUM_RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(UnsafeConfiguration, match="FORUM_RATELIMIT_STORAGE_URI"):
        create_app()


def test_production_refuses_to_start_without_its_https_address(production):
    production.delenv("FORUM_BASE_URL")
    with pytest.raises(UnsafeConfiguration, match="FORUM_BASE_URL"):
        create_app()


def test_production_refuses_cookies_without_secure(production):
    with pytest.raises(UnsafeConfiguration, match="Secure"):
        create_app({"SESSION_COOKIE_SECURE": False})


def test_the_development_server_makes_its_own_key_once(monkeypatch, tmp_path):
    from forum.config import build_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FORUM_DEVELOPMENT", "1")
    first = build_config(tmp_path)
    second = build_config(tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert not first["SESSION_COOKIE_SECURE"]
    monkeypatch.delenv("FORUM_DEVELOPMENT")
    assert build_config(tmp_path / "elsewhere")["SECRET_KEY"] is None


@pytest.mark.parametrize(
    ("locale", "text"),
    [("fi", "Sivua ei löydy"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_not_found_page_is_translated(client, locale, text):
    response = client.get("/no/such/page", headers={"Accept-Language": locale})
    assert response.status_code == 404
    assert text in response.text


def test_forbidden_page_is_translated(client, auth, make):
    board = make.board(archived=True)
    make.user(email="aino@example.fi", locale="sv")
    auth.login("aino@example.fi")
    response = client.get(f"/boards/{board.slug}/new")
    assert response.status_code == 403
    assert "Inte tillåtet" in response.text


def test_server_error_page_is_translated(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom", headers={"Accept-Language": "fi"})
    assert response.status_code == 500
    assert "Jokin meni vikaan" in response.text


def test_static_files_are_fingerprinted_and_cached_long(client):
    page = client.get("/").text
    css = re.search(r'href="(/static/css/forum\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(css)
    response.close()
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600


def test_pages_answer_conditional_gets(client, make):
    make.board()
    first = client.get("/")
    assert first.headers.get("ETag")
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_signed_in_pages_are_private_to_shared_caches(client, auth, make):
    assert "private" not in client.get("/").headers.get("Cache-Control", "")
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    response = client.get("/")
    assert "private" in response.headers["Cache-Control"]
    assert "Cookie" in response.headers["Vary"]


def test_failed_sign_ins_and_refusals_are_logged_without_personal_data(client, auth, make):
    # A handler of its own on the logger: the suite's migrations reconfigure the root logger.
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    security_log = logging.getLogger("forum.security")
    security_log.addHandler(handler)
    try:
        make.user(email="aino@example.fi")
        auth.login("aino@example.fi", "wrong horse")
        auth.login("aino@example.fi")
        assert client.get("/staff/admin/").status_code == 403
    finally:
        security_log.removeHandler(handler)
    messages = [record.getMessage() for record in records]
    assert any(message.startswith("sign-in failed") for message in messages)
    assert any(message.startswith("refused staff.enter") for message in messages)
    assert not any("aino@example.fi" in message or "wrong horse" in message for message in messages)
