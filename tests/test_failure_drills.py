"""What the forum does when a part fails: the database restarts under load, Redis is gone.
(SMTP down and a worker killed mid-send: tests/test_mail.py.)"""

import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.load import gunicorn
from tests.conftest import TEST_CONFIG, form_token

DEAD_DATABASE = "postgresql://nobody@127.0.0.1:9/none"


def test_without_its_database_the_forum_answers_a_translated_503_with_the_text_kept(app):
    from forum import create_app

    broken = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": DEAD_DATABASE})
    client = broken.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Foorumi ei saa juuri nyt yhteyttä tietokantaansa" in page.text
    sent = client.post(
        "/boards/yleinen/new",
        data={"title": "Tärkeä otsikko", "body": "Pitkä teksti, joka ei katoa."},
    )
    assert sent.status_code in (400, 503)  # the CSRF check or the database, never a 500
    assert "Pitkä teksti, joka ei katoa." in sent.text


def test_a_connection_the_database_dropped_while_closing_is_let_go_not_a_500(client, monkeypatch):
    """The PostgreSQL restart drill saw a request answered, then failing its closing rollback
    on a connection the server had ended: the connection is invalidated instead."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    close, failed = Session.close, []

    def dropped(session):
        if not failed:
            failed.append(session)
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))
        return close(session)

    monkeypatch.setattr(Session, "close", dropped)
    assert client.get("/").status_code == 200 and failed


def test_without_redis_pages_and_sign_in_keep_working_with_limits_in_each_process(
    database_url, make
):
    from forum import create_app
    from forum.auth import throttle
    from forum.extensions import db

    throttle._FALLBACK.storage.reset()  # this process's counts, from any earlier test
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"})  # fmt: skip
    with app.app_context():
        make.user(email="ilman.redista@example.fi")
        client = app.test_client()
        assert client.get("/").status_code == 200
        token = form_token(client.get("/login").text)
        statuses = [
            client.post("/login", data={"csrf_token": token, "email": "ilman.redista@example.fi",
                                        "password": "väärä"}).status_code
            for _ in range(6)
        ]  # fmt: skip
        assert statuses == [422] * 5 + [429]  # the budget, counted in this process
        db.session.remove()
        db.engine.dispose()


def _restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                   check=True, capture_output=True, timeout=120)  # fmt: skip


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def server_on_postgresql(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("restarts PostgreSQL: the SQLite run has no server to restart")
    if not Path("/etc/postgresql").is_dir():
        pytest.skip("PostgreSQL is not this machine's own, to restart")
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "drill", "FORUM_DEVELOPMENT": "1",
           "FORUM_RATELIMIT_ENABLED": "0"}  # fmt: skip
    with gunicorn("app:app", env, workers=2) as base:
        yield base


def test_a_postgresql_restart_under_load_costs_503s_and_no_restart_of_the_app(
    server_on_postgresql, make
):
    from forum.extensions import db

    board = make.board()
    db.session.commit()
    url = f"{server_on_postgresql}/boards/{board.slug}"
    statuses: list[int] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            statuses.append(_status(url))
            time.sleep(0.02)

    readers = [threading.Thread(target=load) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(1)
        db.session.remove()
        db.engine.dispose()  # the test's own connections go with the restart
        _restart_postgresql()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and statuses[-20:].count(200) < 20:
            time.sleep(0.5)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses[-20:] == [200] * 20  # back, the same processes


def test_after_a_postgresql_restart_the_next_request_is_answered_not_failed(
    server_on_postgresql, make
):
    """A request that arrives once the database is back is served, though each process's
    pooled connections died with the restart: a connection's socket, looked at as it leaves
    the pool, shows the server closed it, and the pool opens a new one (forum.database)."""
    from forum.extensions import db

    board = make.board()
    db.session.commit()
    url = f"{server_on_postgresql}/boards/{board.slug}"
    assert [_status(url) for _ in range(20)] == [200] * 20  # connections pooled in both workers
    db.session.remove()
    db.engine.dispose()
    _restart_postgresql()
    assert [_status(url) for _ in range(20)] == [200] * 20
