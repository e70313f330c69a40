"""The schema comes from the migrations alone, and the models agree with it."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from forum.database import begin_write
from forum.extensions import db
from forum.search.index import is_index_table


def test_models_match_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, _parents: (
                    not (type_ == "table" and is_index_table(name))
                ),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def _sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection set-up")


def test_sqlite_connections_are_set_up_for_several_writers(app):
    _sqlite_only()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_write_transactions_take_the_write_lock_first(app):
    """Reads share one snapshot (BEGIN); a write transaction holds the write lock from its
    start (BEGIN IMMEDIATE), so that another writer waits instead of failing half-way."""
    _sqlite_only()
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    db.session.execute(text("SELECT 1"))
    assert db.session.connection().connection.dbapi_connection.in_transaction
    other.execute("BEGIN IMMEDIATE")  # a read transaction leaves the write lock free
    other.execute("ROLLBACK")
    begin_write()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    db.session.commit()
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
