"""The ceiling: bare Flask, one Jinja template, 20 rows from one SQLite query.

Served by the load benchmark with the same gunicorn settings as the forum, so every page can be
reported as a fraction of what this stack can do at all on the machine at hand.
"""

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, render_template

DATABASE = os.environ.get("BASELINE_DATABASE", "/tmp/forum-baseline.sqlite3")

app = Flask(__name__, template_folder=str(Path(__file__).parent / "baseline_templates"))


def prepare(path: str = DATABASE) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, title TEXT)")
    if not connection.execute("SELECT count(*) FROM item").fetchone()[0]:
        connection.executemany(
            "INSERT INTO item (title) VALUES (?)", [(f"Baseline row {n}",) for n in range(100)]
        )
    connection.commit()
    connection.close()


def database() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
    return g.db


@app.teardown_appcontext
def close(_error) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


@app.get("/")
def index():
    rows = database().execute("SELECT id, title FROM item ORDER BY id LIMIT 20").fetchall()
    return render_template("index.html", rows=rows)
