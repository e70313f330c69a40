"""The logs: JSON lines with a request id, and never a message's text, an e-mail address, a
password or a token, whatever a full journey through the forum does."""

import io
import json
import logging
import re

import pytest
import structlog

from forum import logs
from forum.database import begin_write
from forum.extensions import db
from tests.conftest import form_token, outbox_rows, post_form

EMAIL = "loki.testaaja@lokitesti.fi"
PASSWORD = "salasana jota ei lokiin kirjoiteta"
WRONG = "väärä salasana 8K2P"
MARKER = "Kirjoitettu viesti Q7Z4 ei kuulu lokiin"


@pytest.fixture
def captured():
    """The log lines written while the test runs, as one text; logging as it was after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    logs.configure(json=True, level="INFO", stream=stream)
    yield stream
    root.handlers = saved[0]
    root.setLevel(saved[1])
    logging.captureWarnings(False)
    structlog.reset_defaults()


def _link(path_prefix: str) -> str:
    body = outbox_rows()[-1].body_text
    return re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]+)", body).group(1)


def test_a_full_journey_leaves_no_personal_data_or_secret_in_the_logs(client, make, captured):
    organisation = make.organisation()
    begin_write()
    organisation.email_domains = "lokitesti.fi"  # joins at once on confirming
    db.session.commit()
    board = make.board()
    registered = post_form(client, "/register", {
        "display_name": "Loki Testaaja", "email": EMAIL, "password": PASSWORD,
        "password_confirm": PASSWORD, "organisation": str(organisation.id), "locale": "fi",
    })  # fmt: skip
    assert registered.status_code == 302
    confirm = _link("/confirm/")
    assert client.get(confirm).status_code in (200, 302)
    page = client.get("/login").text
    wrong = client.post("/login", data={"csrf_token": form_token(page), "email": EMAIL,
                                        "password": WRONG})  # fmt: skip
    assert wrong.status_code in (401, 403, 422)
    signed_in = client.post("/login", data={"csrf_token": form_token(page), "email": EMAIL,
                                            "password": PASSWORD})  # fmt: skip
    assert signed_in.status_code == 302
    started = post_form(client, f"/boards/{board.slug}/new",
                        {"title": MARKER, "body": MARKER, "language": "fi"})  # fmt: skip
    assert started.status_code == 302
    assert client.get(started.headers["Location"]).status_code == 200
    assert MARKER in client.get("/search", query_string={"q": "Q7Z4"}).text
    calendar = post_form(client, "/account/calendar", {"action": "new"})
    token = re.search(r"/calendar/([A-Za-z0-9_-]+)\.ics", calendar.text).group(1)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    client.post("/logout", data={"csrf_token": form_token(client.get("/").text)})
    assert post_form(client, "/password/forgot", {"email": EMAIL}).status_code == 302
    reset = _link("/password/reset/")
    assert client.get(reset).status_code == 200
    session_cookie = next((c.value for c in client._cookies.values() if c.key == "session"), "")

    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) >= 15
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in requests)
    assert {"route": "/calendar/<token>.ics", "status": 200}.items() <= next(
        line for line in requests if line["route"] == "/calendar/<token>.ics"
    ).items()
    secrets = [
        EMAIL,
        EMAIL.split("@")[0],
        PASSWORD,
        WRONG,
        MARKER,
        "Q7Z4",
        token,
        confirm.rsplit("/", 1)[-1],
        reset.rsplit("/", 1)[-1],
    ]
    if session_cookie:
        secrets.append(session_cookie)
    for secret in secrets:
        assert secret not in text, secret


def test_a_request_id_from_the_proxy_is_kept_and_sent_back(client, captured):
    answer = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert answer.headers["X-Request-ID"] == "lb-1234.abc"
    line = json.loads(captured.getvalue().splitlines()[-1])
    assert line["request_id"] == "lb-1234.abc" and line["route"] == "/healthz"
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["X-Request-ID"])


def test_the_job_worker_logs_json_from_its_first_line(database_url, tmp_path):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "worker-logs",
           "FORUM_DEVELOPMENT": "1", "FORUM_LOG_JSON": "1",
           "FORUM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.db'}"}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "forum.worker", "--workers", "1", "--logfile", str(log)],
        cwd=Path(__file__).resolve().parent.parent, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        # Until a task ran: the first one made the app, which must not take the log elsewhere.
        while time.monotonic() < deadline and "executed in" not in (
            log.read_text() if log.exists() else ""
        ):
            assert worker.poll() is None, "the worker stopped"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    lines = log.read_text().splitlines()
    assert any("Huey consumer started" in line for line in lines), lines
    assert any("executed in" in line for line in lines), lines
    assert all(json.loads(line)["event"] for line in lines), lines
