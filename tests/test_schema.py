"""The schema comes from the migrations alone, and the models agree with it."""

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


def test_write_transactions_take_the_write_lock_first(app, count_queries):
    _sqlite_only()
    with count_queries() as queries:
        db.session.execute(text("SELECT 1"))
        begin_write()
        db.session.execute(text("SELECT 2"))
        db.session.commit()
    assert queries.statements[:4] == ["BEGIN", "SELECT 1", "BEGIN IMMEDIATE", "SELECT 2"]
