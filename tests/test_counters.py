"""Several rows' counters changed together (forum.counters.update_rows): on PostgreSQL in one
statement, locking the rows in the order given, as separate statements would."""

import threading

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from forum.boards.models import Board
from forum.counters import RowUpdate, update_rows
from forum.database import begin_write
from forum.extensions import db
from forum.threads.models import Post, Thread
from tests.conftest import until_waiting_for_a_lock


def _changes(make):
    thread = make.thread(replies=1)
    opening = make.opening_post(thread)
    reply = db.session.scalar(select(Post).where(Post.parent_id == opening.id))
    poster = make.user()
    return (
        thread,
        opening,
        reply,
        poster,
        [
            RowUpdate(Post, reply.id, assigned={"path": "changed"}),
            RowUpdate(Post, opening.id, add={"reply_count": 2}),
            RowUpdate(
                Thread, thread.id, add={"reply_count": 2}, assigned={"last_poster_id": poster.id}
            ),
            RowUpdate(Board, thread.board_id, add={"post_count": 2}),
        ],
    )


def _read(model, row_id: int, column: str):
    return db.session.execute(select(getattr(model, column)).where(model.id == row_id)).scalar()


def test_each_row_changes_once_in_the_callers_transaction(make):
    thread, opening, reply, poster, changes = _changes(make)
    before = {"opening": opening.reply_count, "thread": thread.reply_count,
              "board": _read(Board, thread.board_id, "post_count")}  # fmt: skip
    begin_write()
    update_rows(*changes)
    db.session.rollback()  # nothing of it stays without the caller's commit
    assert _read(Post, reply.id, "path") != "changed"
    begin_write()
    update_rows(*changes)
    db.session.commit()
    assert _read(Post, reply.id, "path") == "changed"
    assert _read(Post, opening.id, "reply_count") == before["opening"] + 2
    assert _read(Thread, thread.id, "reply_count") == before["thread"] + 2
    assert _read(Thread, thread.id, "last_poster_id") == poster.id
    assert _read(Board, thread.board_id, "post_count") == before["board"] + 2


def test_a_row_is_changed_once_a_call(make):
    opening = make.opening_post(make.thread())
    twice = [RowUpdate(Post, opening.id, add={"reply_count": 1})] * 2
    with pytest.raises(ValueError, match="changes a row once"):
        update_rows(*twice)


def test_on_postgresql_one_statement(make, sent_to_postgresql):
    *_rows, changes = _changes(make)
    db.session.commit()  # the connection back in the pool, where the trace finds it

    def write():
        begin_write()
        update_rows(*changes)
        db.session.commit()

    sent = sent_to_postgresql(write)
    # BEGIN and COMMIT, and one statement (which ends with a Sync)
    assert [fields[0] for fields in sent if fields[0] in ("Query", "Sync")] == [
        "Query", "Sync", "Query"], sent  # fmt: skip


def _locked(watcher, table: str, row_id: int) -> bool:
    watcher.execute(text("SAVEPOINT look"))
    try:
        # The table's name is one of the forum's own, not input.
        locking = f"SELECT 1 FROM {table} WHERE id = :id FOR UPDATE NOWAIT"  # noqa: S608
        watcher.execute(text(locking), {"id": row_id})
        return False
    except OperationalError:  # psycopg's LockNotAvailable
        return True
    finally:
        watcher.execute(text("ROLLBACK TO SAVEPOINT look"))


def _held_while_waiting(blocker, watcher, writer: int, rows, blocked: int, held: list) -> None:
    """Once the writer waits for the blocked row, which of the other rows it holds (their
    numbers into `held`); then the blocked row is let go."""
    try:
        if not until_waiting_for_a_lock(watcher, writer):
            return  # the writer never waited: `held` stays empty
        held.extend(
            number
            for number, (table, row_id) in enumerate(rows)
            if number != blocked and _locked(watcher, table, row_id)
        )
    finally:
        watcher.rollback()
        blocker.rollback()


def test_on_postgresql_rows_are_locked_in_the_order_given(database_url, make):
    """A writer waiting for the n-th row holds the rows before it and none after: the order in
    which other writers (replies, moderation) lock the same rows decides whether two of them
    can deadlock, and it is the order of the code, as with separate statements."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs them one after another, and locks the whole database")
    *_rows, changes = _changes(make)
    rows = [(change.model.__table__.name, change.row_id) for change in changes]
    db.session.commit()
    others = create_engine(database_url)
    try:
        for blocked, (table, row_id) in enumerate(rows):
            held = []
            with others.connect() as blocker, others.connect() as watcher:
                locking = f"SELECT 1 FROM {table} WHERE id = :id FOR UPDATE"  # noqa: S608
                blocker.execute(text(locking), {"id": row_id})
                begin_write()
                writer = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
                # Should the looker fail, the writer gives up rather than wait for ever.
                db.session.execute(text("SET LOCAL lock_timeout = '60s'"))
                looker = threading.Thread(
                    target=_held_while_waiting,
                    args=(blocker, watcher, writer, rows, blocked, held),
                )
                looker.start()
                update_rows(*changes)
                db.session.commit()
                looker.join()
            assert held == list(range(blocked)), (rows[blocked], held)
    finally:
        others.dispose()
