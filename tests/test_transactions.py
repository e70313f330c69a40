"""Where PostgreSQL's transactions begin and end (forum.database): a request reads in
autocommit, and a transaction begins before the first statement that writes, locks rows or
sets something for the transaction, or at begin_write()."""

from select import select as wait_for_sockets

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import select, text, update

from forum.boards.models import Board
from forum.database import begin_write
from forum.extensions import db


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's transactions")


def _status():
    return db.session.connection().connection.dbapi_connection.pgconn.transaction_status


def test_reads_run_in_autocommit_and_a_write_begins_the_transaction(postgresql, make):
    board = make.board(slug="before")
    name = db.session.scalar(select(Board.name_en).where(Board.id == board.id))
    assert _status() == pq.TransactionStatus.IDLE  # no BEGIN was sent for the read
    db.session.execute(update(Board).where(Board.id == board.id).values(slug="half"))
    db.session.execute(update(Board).where(Board.id == board.id).values(name_en="Half"))
    assert _status() == pq.TransactionStatus.INTRANS
    db.session.rollback()  # both writes, not only the last
    kept = db.session.execute(select(Board.slug, Board.name_en).where(Board.id == board.id))
    assert kept.one() == ("before", name)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT id FROM board FOR UPDATE",
        "SELECT id FROM board FOR NO KEY UPDATE",
        "SELECT id FROM board FOR KEY SHARE",
        "SELECT pg_advisory_xact_lock(1)",
        "WITH moved AS (UPDATE board SET position = position RETURNING id) SELECT id FROM moved",
        "SELECT set_config('application_name', 'forum-test', true)",
    ],
)
def test_a_read_that_locks_writes_or_sets_begins_the_transaction(postgresql, make, statement):
    """In autocommit a row lock or a transaction's setting would end with its statement."""
    make.board()
    db.session.execute(text(statement)).all()
    assert _status() == pq.TransactionStatus.INTRANS
    db.session.rollback()


def test_a_transactions_setting_holds_for_the_statements_after_it(postgresql):
    """Search sets the plan for its statements (forum.search.query._SEARCH_SETTINGS)."""
    db.session.execute(text("SELECT set_config('application_name', 'forum-search', true)"))
    assert db.session.scalar(text("SHOW application_name")) == "forum-search"
    db.session.commit()
    assert db.session.scalar(text("SHOW application_name")) != "forum-search"


def test_begin_write_begins_the_transaction_before_the_reads_that_follow(postgresql, make):
    board = make.board()
    db.session.scalar(select(Board.slug).where(Board.id == board.id))
    begin_write()
    db.session.scalar(select(Board.slug).where(Board.id == board.id))
    assert _status() == pq.TransactionStatus.INTRANS
    db.session.commit()
    db.session.scalar(select(Board.slug).where(Board.id == board.id))
    assert _status() == pq.TransactionStatus.IDLE  # after the commit, reads in autocommit again


def test_a_connection_the_server_ended_is_replaced_as_it_leaves_the_pool(
    postgresql, client, make, database_url
):
    """What a restart of PostgreSQL does to every pooled connection, told without a round trip
    (the server sends its reason and closes the socket): the request is answered, not a 503."""
    make.board(slug="after-the-end")
    assert client.get("/boards/after-the-end").status_code == 200
    db.session.close()
    pooled = [record.dbapi_connection for record in list(db.engine.pool._pool.queue)]
    assert pooled
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as admin:
        for connection in pooled:
            pid = connection.info.backend_pid
            admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))  # until it ended
    assert [client.get("/boards/after-the-end").status_code for _ in range(3)] == [200] * 3
    assert all(connection.closed for connection in pooled)
    assert db.session.scalar(select(Board.slug).where(Board.slug == "after-the-end"))


def test_a_connection_the_server_wrote_to_while_idle_is_replaced_not_trusted(
    postgresql, client, make, database_url
):
    """The server's reason for ending a connection may arrive before the socket closes; any
    message to an idle connection costs it its place in the pool."""
    make.board(slug="told")
    assert client.get("/boards/told").status_code == 200
    db.session.close()
    pooled = [record.dbapi_connection for record in list(db.engine.pool._pool.queue)]
    for connection in pooled:
        connection.autocommit = True  # as a read left it; a LISTEN counts from its commit
        connection.execute("LISTEN forum_test")
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute("NOTIFY forum_test")
    # The server sends the notification when it gets to it: on a busy machine, after the next
    # request would have taken the connection. Wait until each has it waiting to be read.
    for connection in pooled:
        readable, _, _ = wait_for_sockets([connection.fileno()], [], [], 10)
        assert readable, "the notification never arrived"
    assert client.get("/boards/told").status_code == 200
    assert all(connection.closed for connection in pooled)
