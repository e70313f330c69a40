"""Production's shape, proven on one machine: two app processes (gunicorn, on ports of their
own, as two hosts behind a load balancer) and two job workers against one PostgreSQL and one
Redis. A session made on one host works on the other and its sign-out ends it on both; rate
limits are shared; fifty writers spread over both lose nothing and keep exact counters; every
message of the outbox is sent exactly once."""

import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.load import Session, gunicorn
from forum.extensions import db
from forum.mail.models import OutboxMessage, OutboxStatus
from forum.threads.models import Thread
from tests.conftest import hidden_value
from tests.factories import PASSWORD
from tests.mail_server import wait_for

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 50


@contextmanager
def job_worker(env: dict):
    """A huey consumer (the job worker) with `env`, stopped at the end of the block."""
    process = subprocess.Popen(
        [sys.executable, "-m", "forum.worker", "--workers", "2", "--quiet"],
        cwd=ROOT, env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def hosts(app, database_url, redis_url, smtp):
    if not database_url.startswith("postgresql"):
        pytest.skip("several hosts share one PostgreSQL: the SQLite run has one host")
    port, inbox = smtp
    env = {
        "DATABASE_URL": database_url, "SECRET_KEY": "several-hosts-test",
        "FORUM_DEVELOPMENT": "1",  # plain HTTP on loopback: cookies not Secure
        "FORUM_RATELIMIT_STORAGE_URI": redis_url, "FORUM_JOBS_URL": redis_url,
        # The test's clients say who they are, as a load balancer would for each browser.
        "FORUM_TRUSTED_PROXIES": "1",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
        "FORUM_BASE_URL": "https://foorumi.example.fi",
    }  # fmt: skip
    with ExitStack() as stack:
        first = stack.enter_context(gunicorn("app:app", env, workers=2))
        second = stack.enter_context(gunicorn("app:app", env, workers=2))
        for _ in range(2):
            stack.enter_context(job_worker(env))
        yield first, second, inbox


def _browser(base: str, address: str, timeout: float = 60) -> Session:
    browser = Session(base, timeout=timeout)
    browser.opener.addheaders.append(("X-Forwarded-For", address))
    return browser


def _same_browser_on(browser: Session, base: str) -> Session:
    """The same browser (its cookies) sent by the load balancer to the other host."""
    other = Session(base, timeout=browser.timeout)
    other.jar, other.opener = browser.jar, browser.opener
    return other


def test_a_session_made_on_one_host_works_on_the_other_and_ends_on_both(hosts, make):
    first, second, _inbox = hosts
    make.user(email="kahdella@example.fi")
    on_first = _browser(first, "10.0.0.1")
    on_first.sign_in("kahdella@example.fi", password=PASSWORD)
    on_second = _same_browser_on(on_first, second)
    assert on_second.get("/account")[0] == 200
    assert on_first.post("/logout", {"csrf_token": on_first.token("/")}) == 302
    assert on_second.get("/account")[0] == 302  # to the sign-in page


def test_rate_limits_are_counted_once_for_both_hosts(hosts, make):
    first, second, _inbox = hosts
    make.user(email="arvattava@example.fi")
    statuses = []
    for attempt in range(7):
        browser = _browser((first, second)[attempt % 2], "10.0.0.2")
        statuses.append(browser.post("/login", {"csrf_token": browser.token("/login"),
                                                "email": "arvattava@example.fi",
                                                "password": f"väärä {attempt}"}))  # fmt: skip
    # Five guesses an account a minute from one address, wherever they land.
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429, 429], statuses


def test_fifty_writers_over_both_hosts_lose_nothing(hosts, make):
    first, second, _inbox = hosts
    board = make.board()
    thread = make.thread(board)
    opening = make.opening_post(thread)
    path = f"/posts/{opening.id}/reply"
    browsers, forms = [], []
    for number in range(WRITERS):
        user = make.user(email=f"kirjoittaja{number}@example.fi")
        browser = _browser((first, second)[number % 2], f"10.1.{number}.1")
        browser.sign_in(user.email, password=PASSWORD)
        _status, form = browser.get(path)
        forms.append((hidden_value(form, "csrf_token"), hidden_value(form, "submission_id")))
        browsers.append(browser)
    start = threading.Barrier(WRITERS)
    results = []

    def write(number: int) -> None:
        token, submission = forms[number]
        start.wait()
        results.append(browsers[number].post(path, {
            "csrf_token": token, "submission_id": submission, "language": "fi",
            "body": f"Vastaus {number} kahdelta koneelta",
        }))  # fmt: skip

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for writer in threads:
        writer.start()
    for writer in threads:
        writer.join()
    assert results == [302] * WRITERS
    db.session.expire_all()
    stored = db.session.get(Thread, thread.id)
    assert stored.reply_count == WRITERS
    assert db.session.get(type(board), board.id).post_count == WRITERS + 1


def test_every_message_is_sent_once_by_two_workers(hosts, make):
    first, second, inbox = hosts
    organisation = make.organisation()
    for number in range(20):
        browser = _browser((first, second)[number % 2], f"10.2.{number}.1")
        status = browser.post("/register", {
            "csrf_token": browser.token("/register"), "display_name": f"Uusi {number}",
            "email": f"uusi{number}@example.fi", "password": "pitkä ja hyvä salasana",
            "password_confirm": "pitkä ja hyvä salasana", "organisation": str(organisation.id),
            "locale": "fi",
        })  # fmt: skip
        assert status == 302

    def all_sent() -> bool:
        db.session.rollback()
        waiting = db.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.status != OutboxStatus.SENT)
        )  # fmt: skip
        return waiting == 0 and len(inbox) >= 20

    wait_for(all_sent, timeout=90)
    time.sleep(3)  # time for a second sending, if the claims let one through
    recipients = sorted(str(message["To"]) for message in inbox)
    assert recipients == sorted(f"uusi{number}@example.fi" for number in range(20))
