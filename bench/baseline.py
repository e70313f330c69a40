"""The ceiling: bare Flask, one Jinja template, 20 rows from one query, of SQLite or of
PostgreSQL.

Served by the load benchmark with the same gunicorn settings as the forum, so every page can be
reported as a fraction of what this stack can do at all on the machine at hand. On PostgreSQL
the query is one round trip on a connection each process keeps, read in autocommit and
prepared after its fifth run, as the forum's are: the floor of any page served from that
database, with the server sharing the machine's cores as the forum's pages do.
"""

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, render_template

DATABASE = os.environ.get("BASELINE_DATABASE", "/tmp/forum-baseline.sqlite3")
_ROWS = [(f"Baseline row {n}",) for n in range(100)]
_QUERY = "SELECT id, title FROM baseline_item ORDER BY id LIMIT 20"

app = Flask(__name__, template_folder=str(Path(__file__).parent / "baseline_templates"))


def on_postgresql(database: str) -> bool:
    """A PostgreSQL URL, with its driver named (postgresql+psycopg://) or not."""
    return database.startswith("postgres")


def prepare(database: str = DATABASE) -> None:
    """The table the ceiling reads, filled once."""
    if on_postgresql(database):
        import psycopg

        with psycopg.connect(database) as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS baseline_item (id serial PRIMARY KEY, title text)"
            )
            if not connection.execute("SELECT count(*) FROM baseline_item").fetchone()[0]:
                connection.cursor().executemany(
                    "INSERT INTO baseline_item (title) VALUES (%s)", _ROWS
                )
        return
    connection = sqlite3.connect(database)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS baseline_item (id INTEGER PRIMARY KEY, title TEXT)"
    )
    if not connection.execute("SELECT count(*) FROM baseline_item").fetchone()[0]:
        connection.executemany("INSERT INTO baseline_item (title) VALUES (?)", _ROWS)
    connection.commit()
    connection.close()


_kept = None  # this process's PostgreSQL connection (gunicorn imports the app in each worker)


def _rows() -> list:
    global _kept
    if not on_postgresql(DATABASE):
        if "db" not in g:
            g.db = sqlite3.connect(DATABASE)
        return g.db.execute(_QUERY).fetchall()
    if _kept is None or _kept.closed:
        import psycopg

        _kept = psycopg.connect(DATABASE, autocommit=True)
    return _kept.execute(_QUERY).fetchall()


@app.teardown_appcontext
def close(_error) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


@app.get("/")
def index():
    return render_template("index.html", rows=_rows())
