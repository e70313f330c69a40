"""Engine set-up per backend, and the one way actions open a write transaction."""

from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import (
    DateTime,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    event,
    inspect,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeDecorator

from forum.extensions import db

WRITE_OPTION = "forum_write"


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


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


def begin_write() -> None:
    """End any read transaction of this session and open a write transaction.

    Every action calls this before its first read of the rows it will change, and commits once.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def update_row(model, row_id: int, *, add: dict | None = None, **assigned) -> None:
    """UPDATE one row in SQL, in the caller's transaction: each column of `add` raised by its
    amount (reply_count = reply_count + 1), each of `assigned` set to its value.

    Counters are never read into Python and written back: across worker processes that loses
    updates. A plain UPDATE of the table, not the ORM's bulk update (which cost a third of a
    reply): the session's copies are not synchronised; the commit that follows expires them.
    The statement is built once for each table and set of columns, with the values bound: a
    reply makes four, and building them took nearly a tenth of it. An amount or value that is
    itself SQL (a subquery) is written into a statement built for the call.
    """
    table = model.__table__
    add = add or {}
    if any(isinstance(value, ClauseElement) for value in (*add.values(), *assigned.values())):
        changes = {column: table.c[column] + amount for column, amount in add.items()}
        statement = update(table).where(table.c.id == row_id).values({**changes, **assigned})
        db.session.execute(statement)
        return
    parameters = {f"add_{column}": amount for column, amount in add.items()}
    parameters.update({f"set_{column}": value for column, value in assigned.items()})
    parameters["row_id"] = row_id
    db.session.execute(_row_update(table, tuple(add), tuple(assigned)), parameters)


@lru_cache(maxsize=64)
def _row_update(table: Table, added: tuple[str, ...], assigned: tuple[str, ...]) -> Update:
    changes = {
        column: table.c[column] + bindparam(f"add_{column}", type_=table.c[column].type)
        for column in added
    }
    changes.update(
        {column: bindparam(f"set_{column}", type_=table.c[column].type) for column in assigned}
    )
    return update(table).where(table.c.id == bindparam("row_id")).values(changes)


def saved_id(instance) -> int:
    """The id of an object the session has saved, from the session's record of it: a commit
    expires the object, and reading instance.id after it loads the whole row again (for the
    redirect after a reply, a tenth of the reply's time)."""
    return inspect(instance).identity[0]


def adding_insert(
    dialect: str, table: Table, columns: tuple, rows: Select, *, keys: list, added: tuple
) -> Insert:
    """INSERT ... SELECT that, where a row with the same keys exists, adds the new row's `added`
    columns to it (ON CONFLICT DO UPDATE, which both backends have): a count's first change
    makes its row, and two transactions never both make it."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(table).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in added},
    )


def add_counted(statement: Insert, *, removed: bool, sign: int, **parameters) -> None:
    """Run an adding_insert() whose rows take :shown (the change of what members see) and
    :removed (of what only moderators see), for a thing counted (sign 1) or taken off (-1)."""
    shown_change, removed_change = (0, sign) if removed else (sign, 0)
    db.session.execute(statement, {**parameters, "shown": shown_change, "removed": removed_change})


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
