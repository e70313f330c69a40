"""Writes stay correct under concurrency: 50 members reply at once through two worker
processes, and every reply is stored with exact counters and no error."""

import threading

import pytest
from sqlalchemy import func, select

from bench.load import Session, gunicorn
from forum.boards.models import Board
from forum.extensions import db
from forum.threads.models import Post, Thread
from tests.conftest import hidden_value

WRITERS = 50


@pytest.fixture
def server(app, database_url):
    """The app under gunicorn with two sync workers, on the test's own database."""
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "concurrency-test",
        # Plain HTTP on loopback, as the development server serves: cookies not Secure.
        "FORUM_DEVELOPMENT": "1",
        # Fifty sign-ins from one address would trip the login limit, tested elsewhere.
        "FORUM_RATELIMIT_ENABLED": "0",
    }
    with gunicorn("app:app", env, workers=2) as base:
        yield base


def test_fifty_simultaneous_replies_through_two_workers(server, make):
    board = make.board()
    thread = make.thread(board)
    opening = make.opening_post(thread)
    users = [make.user(email=f"writer{n}@example.fi") for n in range(WRITERS)]
    reply_path = f"/posts/{opening.id}/reply"
    browsers, forms = [], []
    for user in users:
        # Minutes for an answer: fifty writers at once on a busy machine are slow, not wrong.
        browser = Session(server, timeout=60)
        browser.sign_in(user.email, password="correct horse battery")
        _status, form = browser.get(reply_path)
        forms.append((hidden_value(form, "csrf_token"), hidden_value(form, "submission_id")))
        browsers.append(browser)

    start = threading.Barrier(WRITERS)
    results: list[tuple[int, str]] = []

    def write(index: int) -> None:
        token, submission = forms[index]
        browser = browsers[index]
        start.wait()
        status = browser.post(
            reply_path,
            {"csrf_token": token, "submission_id": submission,
             "body": f"Simultaneous reply {index}", "language": "fi"},
        )  # fmt: skip
        results.append((status, browser.location))

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
