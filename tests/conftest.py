"""Test set-up: a fresh, migrated database per test, on SQLite and (when configured) PostgreSQL.

FORUM_TEST_DATABASE_URL points at a PostgreSQL database the tests may wipe; without it the
PostgreSQL half is skipped, unless FORUM_REQUIRE_POSTGRES=1 (as in CI), where that fails.
"""

import contextvars
import os
import re
import shutil
import time

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# The worker's queue in memory: tests run its tasks themselves, against a real SMTP server.
os.environ.setdefault("FORUM_JOBS_URL", "memory://")

from bench.round_trips import sent_messages  # noqa: E402
from forum import create_app  # noqa: E402
from forum.config import normalise_database_url  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.mail.models import OutboxMessage  # noqa: E402
from tests import factories  # noqa: E402
from tests.mail_server import smtp_server  # noqa: E402

POSTGRES_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("FORUM_REQUIRE_POSTGRES") == "1"
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_REDIS = os.environ.get("FORUM_REQUIRE_REDIS") == "1"
BACKENDS = ["sqlite", "postgresql"]

TEST_CONFIG = {
    "TESTING": True,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SERVER_NAME": None,
    # Rate limits are tested on their own; elsewhere they would only make tests order-dependent.
    "RATELIMIT_ENABLED": False,
    "FORUM_BASE_URL": "https://foorumi.example.fi",
}
BASE_URL = TEST_CONFIG["FORUM_BASE_URL"]


def _make_app(url: str):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})


def _migrate(url: str) -> None:
    app = _make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    if not POSTGRES_URL:
        message = "no PostgreSQL: set FORUM_TEST_DATABASE_URL"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    url = normalise_database_url(POSTGRES_URL)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(url)
    return url, _rows_from_migrations(url)


def _rows_from_migrations(url: str) -> dict:
    """Rows the migrations themselves insert (the tag taxonomy), restored after each wipe."""
    engine = create_engine(url)
    with engine.connect() as connection:
        seeded = {
            table: rows
            for table in db.metadata.sorted_tables
            if (rows := [dict(row) for row in connection.execute(table.select()).mappings()])
        }
    engine.dispose()
    return seeded


def _reset_postgres(url: str, seeded: dict) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        for table, rows in seeded.items():
            connection.execute(table.insert(), rows)
            # Table names come from our own metadata, not from input.
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
            ).scalar()
            highest = max(row["id"] for row in rows)
            connection.execute(text("SELECT setval(:sequence, :value)"),
                               {"sequence": sequence, "value": highest})  # fmt: skip
    engine.dispose()


@pytest.fixture
def redis_url():
    """A Redis database the tests may wipe (FORUM_TEST_REDIS_URL), emptied before and after."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.flushdb()
    except redis.exceptions.ConnectionError:
        message = f"no Redis at {REDIS_URL}"
        if REQUIRE_REDIS:
            pytest.fail(message)
        pytest.skip(message)
    yield REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "forum.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url, seeded = request.getfixturevalue("postgres_url")
    _reset_postgres(url, seeded)
    return url


@pytest.fixture
def app(database_url):
    app = _make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in an app context of its own, as in production: the test keeps its
    own context (and database session) for factories and checks. After each request the test's
    session ends its transaction, so that what the request wrote is read afresh."""

    _inside = False

    def open(self, *args, **kwargs):
        if self._inside:  # a followed redirect: already in the request's own context
            return super().open(*args, **kwargs)
        self._inside = True
        try:
            response = contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            self._inside = False
        db.session.commit()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    # English unless a test says otherwise: assertions read in the source language.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def smtp():
    """A real SMTP server on loopback: (port, the messages it received)."""
    with smtp_server() as (port, inbox):
        yield port, inbox


def mail_app_for(database_url, port, **config):
    """An app that sends its mail through the SMTP server on `port`."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                      "MAIL_SUPPRESS_SEND": False, **config})  # fmt: skip
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def mail_app(database_url, smtp):
    app = mail_app_for(database_url, smtp[0])
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def outbox_rows() -> list:
    """Every message in the outbox, oldest first, as committed."""
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def link_in(message) -> str:
    """The first link in a received message's text part."""
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://\S+", text).group(0)


@pytest.fixture
def make(app):
    """Keyword-only factories that write through the real actions: make.user(), make.thread()."""
    return factories.Factories()


def hidden_value(html: str, name: str) -> str | None:
    """The value of the first hidden input called `name` in the page."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else ""
    return None


def form_token(html: str) -> str:
    token = hidden_value(html, "csrf_token")
    assert token, "no CSRF token in the page"
    return token


def until_waiting_for_a_lock(connection, pid: int, timeout: float = 30) -> bool:
    """Whether PostgreSQL's backend `pid` came to wait for a lock within `timeout` seconds: how a
    test knows that a writer in another thread reached the row it is to wait for."""
    waiting = text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid")
    deadline = time.monotonic() + timeout
    while not connection.execute(waiting, {"pid": pid}).scalar():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Auth:
    """Signs in through the real form, reading the CSRF token as a browser would."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD, remember: bool = False):
        page = self.client.get("/login")
        data = {"csrf_token": form_token(page.text), "email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/logout", data={"csrf_token": form_token(page.text)})


@pytest.fixture
def auth(client):
    return Auth(client)


def post_form(client, form_url: str, data: dict, *, action: str | None = None):
    """GET a form page, then POST it with its CSRF token and hidden fields, as a browser would."""
    page = client.get(form_url)
    assert page.status_code == 200, page.status_code
    fields = {"csrf_token": form_token(page.text)}
    for name in ("submission_id", "version"):  # the hidden fields a browser would send back
        value = hidden_value(page.text, name)
        if value:
            fields[name] = value
    fields.update(data)
    return client.post(action or form_url, data=fields)


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def sent_to_postgresql(app):
    """sent_to_postgresql(action) -> the messages the app sent PostgreSQL while action() ran
    (bench.round_trips.sent_messages: a statement ends with a Sync; BEGIN and COMMIT are
    simple Queries). Run action() once before, so that the pool holds the connection."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("libpq's trace of PostgreSQL's protocol")

    return lambda action: sent_messages(db.engine, action)


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; queries.count is the number of SQL statements."""
    return lambda: QueryCounter(db.engine)
