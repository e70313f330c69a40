"""Writes stay correct under concurrency: 50 members reply at once through two worker
processes, and every reply is stored with exact counters and no error."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from forum.boards.models import Board
from forum.extensions import db
from forum.threads.models import Post, Thread
from tests.conftest import form_token, hidden_value

WRITERS = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(app, database_url, tmp_path):
    """The app under gunicorn with two sync workers, on the test's own database."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "concurrency-test",
        # Plain HTTP on loopback, as the development server serves: cookies not Secure.
        "FORUM_DEVELOPMENT": "1",
        # Fifty sign-ins from one address would trip the login limit, tested elsewhere.
        "FORUM_RATELIMIT_ENABLED": "0",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "app:app"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)  # noqa: S310 - loopback only
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail((tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        """The status and where it redirects to."""
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


def test_fifty_simultaneous_replies_through_two_workers(server, make):
    board = make.board()
    thread = make.thread(board)
    opening = make.opening_post(thread)
    users = [make.user(email=f"writer{n}@example.fi") for n in range(WRITERS)]
    reply_path = f"/posts/{opening.id}/reply"
    browsers, forms = [], []
    for user in users:
        browser = Browser(server)
        login_page = browser.get("/login")
        status, _location = browser.post(
            "/login",
            {"csrf_token": form_token(login_page), "email": user.email,
             "password": "correct horse battery"},
        )  # fmt: skip
        assert status == 302
        form = browser.get(reply_path)
        forms.append((form_token(form), hidden_value(form, "submission_id")))
        browsers.append(browser)

    start = threading.Barrier(WRITERS)
    results: list[tuple[int, str]] = []

    def write(index: int) -> None:
        token, submission = forms[index]
        start.wait()
        results.append(
            browsers[index].post(
                reply_path,
                {
                    "csrf_token": token,
                    "submission_id": submission,
                    "body": f"Simultaneous reply {index}",
                    "language": "fi",
                },
            )  # fmt: skip
        )

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for worker in threads:
        worker.start()
    for worker in threads:
        worker.join(timeout=120)

    assert len(results) == WRITERS
    for status, location in results:
        assert status == 302 and "#post-" in location, (status, location)
    db.session.commit()  # end the test's own read transaction, to see what the workers wrote
    assert (
        db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == thread.id))
        == WRITERS + 1
    )
    assert db.session.get(Thread, thread.id).reply_count == WRITERS
    assert db.session.get(Post, opening.id).reply_count == WRITERS
    assert db.session.get(Board, board.id).post_count == WRITERS + 1
    bodies = set(db.session.scalars(select(Post.body_source).where(Post.depth == 1)))
    assert bodies == {f"Simultaneous reply {n}" for n in range(WRITERS)}
