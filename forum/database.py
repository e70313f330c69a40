"""Engine set-up per backend, and the one way actions open a write transaction."""

import functools
import re
import select
from datetime import UTC, datetime

import psycopg
from psycopg import pq
from sqlalchemy import (
    DateTime,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    event,
    inspect,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError, InvalidatePoolError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from forum.extensions import db

WRITE_OPTION = "forum_write"


# Set on a connection's info from the first statement of a transaction that may have written.
_WROTE = "forum_wrote"
_READS = ("SELECT", "WITH", "SHOW")


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)

    @event.listens_for(engine, "begin")
    def _new_transaction(connection):
        connection.info.pop(_WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, _cursor, statement, _parameters, context, _many):
        if _WROTE not in connection.info and (
            context.isinsert
            or context.isupdate
            or context.isdelete
            or not statement.lstrip()[:6].upper().startswith(_READS)
        ):
            connection.info[_WROTE] = True


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling cannot emit BEGIN IMMEDIATE, so it is switched off
    # and SQLAlchemy's begin event emits the BEGIN instead (the recipe in SQLAlchemy's docs).
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads and then writes fails at once with "database is
        # locked" when another process wrote in between; IMMEDIATE takes the write lock first
        # and so waits its turn under busy_timeout instead. Sent on the driver's connection: as a
        # statement of SQLAlchemy's, it cost as much as a small query, on every request.
        statement = (
            "BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "BEGIN"
        )
        connection.connection.dbapi_connection.execute(statement)


def _configure_postgresql(engine: Engine) -> None:
    # Each statement to PostgreSQL is a round trip, and a page asks two to seven. A request reads
    # in autocommit, as Django runs by default: under read committed each statement of a
    # transaction reads what was committed when that statement began, so a transaction around a
    # page's reads held nothing together, and its BEGIN and COMMIT were two round trips more. A
    # transaction begins before the first statement that writes, locks rows or sets something
    # for the transaction, and before any statement after begin_write().
    @event.listens_for(engine, "connect")
    def read_committed(dbapi_connection, _record):
        # Whatever the server's default: begin_write() lets the write go on after what the
        # request read, which is sound where each statement reads the latest commits.
        dbapi_connection.isolation_level = psycopg.IsolationLevel.READ_COMMITTED

    @event.listens_for(engine, "checkout")
    def reads_in_autocommit(dbapi_connection, _record, _proxy):
        pgconn = dbapi_connection.pgconn
        if _sent_something_while_idle(pgconn):
            # Nothing is sent to an idle connection that is not listening but the reason the
            # server ends it (a restart, a terminated backend), before it closes the socket:
            # found without a round trip, where SQLAlchemy's pre-ping sends one on every
            # checkout. The pool opens another and the request goes on.
            if _closed_by_the_server(pgconn):
                raise InvalidatePoolError("the database closed the connection")  # and older ones
            raise DisconnectionError("the database sent an idle connection a message")
        if pgconn.transaction_status == pq.TransactionStatus.IDLE:
            dbapi_connection.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def begin_before_writing(connection, _cursor, statement, _parameters, context, _many):
        dbapi_connection = connection.connection.dbapi_connection
        if (
            dbapi_connection.autocommit
            and not (_plain_read(statement) and not context.execution_options.get(_STREAM))
            and connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
        ):
            _begin(dbapi_connection)


def _begin(dbapi_connection) -> None:
    # psycopg sends its BEGIN before the next statement, and COMMIT or ROLLBACK ends it as
    # usual; the connection reads in autocommit again when it next leaves the pool.
    if dbapi_connection.autocommit:
        dbapi_connection.autocommit = False


_STREAM = "stream_results"  # a server-side cursor, which lives in a transaction
# In a statement that starts as a read: a write in a WITH, a row lock (FOR UPDATE, FOR SHARE),
# a setting for the transaction (set_config(..., true)), an advisory lock.
_NOT_ONLY_READING = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|SHARE|set_config|pg_advisory\w*)\b", re.IGNORECASE
)


@functools.lru_cache(maxsize=1024)
def _plain_read(statement: str) -> bool:
    return statement.lstrip()[:6].upper().startswith(_READS) and not _NOT_ONLY_READING.search(
        statement
    )


def _sent_something_while_idle(pgconn) -> bool:
    if pgconn.status != pq.ConnStatus.OK:
        return True
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))


def _closed_by_the_server(pgconn) -> bool:
    try:
        pgconn.consume_input()
    except psycopg.OperationalError:
        return True
    return pgconn.status != pq.ConnStatus.OK


def begin_write() -> None:
    """Make this session's transaction one that may write: on SQLite, end any read transaction
    and open one that holds the write lock; on PostgreSQL, the statements from here on run in
    one transaction, after what the request read.

    Every action calls this before its first read of the rows it will change, and commits once.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        # Committing them here would write what the caller's checks have not yet seen.
        raise RuntimeError("begin_write() with unsaved changes in the session: commit or undo")
    if session.get_bind().dialect.name == "postgresql":
        # Read committed: each statement reads what was committed when it began, so what was
        # read before needs no transaction of its own; its objects are expired as a commit
        # would, to be read again.
        session.expire_all()
        _begin(session.connection().connection.dbapi_connection)
        return
    if session.in_transaction():
        session.commit()  # ends the read transaction; there is nothing to write
    session.connection(execution_options={WRITE_OPTION: True})


def paged(statement: Select) -> Select:
    """A statement's page, from the parameters `offset` and `limit`, written into the statement
    as numbers: PostgreSQL plans a prepared statement once for any parameters when that plan
    costs about what one for the given ones does, and an unknown LIMIT looks like a tenth of the
    table; knowing the page, it stops planning a listing on every run."""
    return statement.offset(bindparam("offset", type_=Integer, literal_execute=True)).limit(
        bindparam("limit", type_=Integer, literal_execute=True)
    )


def end_read_transaction() -> None:
    """End a request's transaction that wrote nothing with COMMIT rather than the ROLLBACK of
    closing the session: psycopg forgets every statement it prepared on the connection at a
    ROLLBACK, so that PostgreSQL would parse and plan each of a page's statements again on
    every request (the signed-in tag page's listing: 5.7 ms to plan, 0.9 ms to run). A page
    read in autocommit has nothing to end (psycopg sends no COMMIT); search's settings and
    row locks began a transaction that has."""
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    # A write left uncommitted (a request that failed after it, answered with a 4xx) is rolled
    # back as before: nothing half-written is stored.
    if _WROTE not in session.connection().info:
        session.commit()


def add_unique(instance, refused: type[Exception]) -> None:
    """Add a row in the caller's write transaction; when a unique constraint refuses it (two
    requests at once, or a duplicate), roll the transaction back and raise `refused`."""
    db.session.add(instance)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise refused from None


def saved_id(instance) -> int:
    """The id of an object the session has saved, from the session's record of it: a commit
    expires the object, and reading instance.id after it loads the whole row again (for the
    redirect after a reply, a tenth of the reply's time)."""
    return inspect(instance).identity[0]


def refresh_statistics() -> None:
    """ANALYZE: the query planner's statistics of every table and index.

    Without them SQLite guesses, and the library's count went through every thread to find the
    hundred that are good practices (a third of the page). PostgreSQL's autovacuum keeps its own
    statistics; there the command only refreshes them early.
    """
    begin_write()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use forum.database.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def render_migration_item(type_, obj, autogen_context):
    """Autogenerate writes UTCDateTime columns as plain DateTime, so that migrations never
    import application code that may change after them."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


class NamedInThreeLanguages:
    """A name in Finnish, Swedish and English; forum.i18n.localized() picks the reader's."""

    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))


class DescribedInThreeLanguages:
    """A description in Finnish, Swedish and English, each of which may be empty."""

    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


def raise_to(model, keys: dict, column: str, value) -> None:
    """In the caller's transaction: the row of `model` with these `keys` gets `column` = value,
    inserted if it is missing, and raised (never lowered) if it is there: two requests that
    race leave the later value, whichever commits first."""
    table = model.__table__
    insert = dialect_insert(db.session.get_bind().dialect.name)
    statement = insert(table).values({**keys, column: value})
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: statement.excluded[column]},
        where=table.c[column] < statement.excluded[column],
    )
    db.session.execute(statement)


def dialect_insert(dialect: str):
    """The database's own INSERT construct, which has ON CONFLICT on both of them."""
    return sqlite_insert if dialect == "sqlite" else postgresql_insert
