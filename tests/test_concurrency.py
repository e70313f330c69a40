"""Writes stay correct under concurrency: 50 members reply at once through two worker
processes, and every reply is stored with exact counters and no error; writers that change the
same counters lock them in one order."""

import queue
import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from bench.load import Session, gunicorn
from forum.auth.models import User
from forum.boards.models import Board
from forum.database import begin_write
from forum.extensions import db
from forum.threads.actions import change_status
from forum.threads.models import Post, PostStatus, Thread
from tests.conftest import hidden_value, until_waiting_for_a_lock

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


def test_hiding_a_reply_while_its_parent_is_replied_to_does_not_deadlock(app, database_url, make):
    """A reply raises its parent's count, then its thread's and its board's; a moderator hiding
    another reply to the same parent lowers the same counts, and must lock them in the same
    order: taking the thread before the parent, the two waited on each other until PostgreSQL
    ended one of them as a deadlock."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time: there is no order to lock in")
    thread = make.thread()
    parent = make.reply(make.opening_post(thread))
    hidden = make.reply(parent)
    moderator = make.user(role="admin")
    ids = {"parent": parent.id, "hidden": hidden.id, "thread": thread.id,
           "board": thread.board_id, "moderator": moderator.id}  # fmt: skip
    before = {"parent": parent.reply_count, "thread": thread.reply_count}
    db.session.commit()
    others = create_engine(database_url)
    moderator_pid: queue.Queue = queue.Queue()
    failures: list[BaseException] = []

    def hide() -> None:
        with app.app_context():
            try:
                begin_write()
                moderator_pid.put(db.session.execute(text("SELECT pg_backend_pid()")).scalar())
                db.session.execute(text("SET LOCAL lock_timeout = '60s'"))
                change_status(db.session.get(Post, ids["hidden"]), PostStatus.HIDDEN,
                              by=db.session.get(User, ids["moderator"]), reason="",
                              action="post.hide")  # fmt: skip
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)
                db.session.rollback()

    try:
        with others.connect() as replier:
            # As a reply's counters begin: its parent first.
            replier.execute(text("UPDATE post SET reply_count = reply_count + 1 WHERE id = :id"),
                            {"id": ids["parent"]})  # fmt: skip
            hiding = threading.Thread(target=hide)
            hiding.start()
            until_waiting_for_a_lock(replier, moderator_pid.get(timeout=30))
            # Then the thread and the board, which the moderator must not be holding.
            replier.execute(text("UPDATE thread SET reply_count = reply_count + 1 WHERE id = :id"),
                            {"id": ids["thread"]})  # fmt: skip
            replier.execute(text("UPDATE board SET post_count = post_count + 1 WHERE id = :id"),
                            {"id": ids["board"]})  # fmt: skip
            replier.commit()
            hiding.join(timeout=60)
    finally:
        others.dispose()
    assert not failures, failures
    db.session.expire_all()
    assert db.session.get(Post, ids["parent"]).reply_count == before["parent"]  # +1 - 1
    assert db.session.get(Thread, ids["thread"]).reply_count == before["thread"]
    assert db.session.get(Post, ids["hidden"]).status == PostStatus.HIDDEN
