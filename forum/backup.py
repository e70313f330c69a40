"""A consistent copy of the database, taken while the forum runs, and bringing one back.

SQLite: the online backup API copies every page in one step under a read transaction; in WAL
mode writers go on meanwhile, and the copy is the database as it was when the step began.
PostgreSQL: pg_dump takes its snapshot in one transaction (custom format); pg_restore brings it
into an empty database in one transaction. The server's address and password reach the tools
in libpq's environment variables, never on a command line that `ps` shows.

A copy is written beside its final name and renamed when complete, so a failed backup never
leaves a file that looks like a good one.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """The copy or the restore failed; the message says why, for the operator."""


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the database to `target` (replaced if it exists)."""
    url = make_url(database_url)
    partial = target.with_name(target.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            _copy_sqlite(_sqlite_path(url), partial)
            _check_sqlite(partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}"], url)  # fmt: skip
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def restore(database_url: str, source: Path, *, replace: bool = False) -> None:
    """Bring the copy at `source` into the database; it must be empty unless `replace`."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    url = make_url(database_url)
    if not replace and _tables_in(url):
        raise BackupError("the database is not empty (restore --replace overwrites it)")
    if url.get_backend_name() == "sqlite":
        _check_sqlite(source)
        _copy_sqlite(source, _sqlite_path(url))
        _check_sqlite(_sqlite_path(url))
    else:
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                   "--single-transaction", f"--dbname={url.database}"]  # fmt: skip
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, str(source)], url)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writing = sqlite3.connect(target)
    try:
        reading.execute("PRAGMA busy_timeout=10000")
        writing.execute("PRAGMA busy_timeout=10000")
        reading.backup(writing)  # every page in one step: one snapshot
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup failed: {error}") from error
    finally:
        writing.close()
        reading.close()


def _check_sqlite(path: Path) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        broken_links = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from error
    finally:
        connection.close()
    if problems != ["ok"]:
        raise BackupError(f"integrity check of {path} failed: {'; '.join(problems[:5])}")
    if broken_links:
        raise BackupError(f"{path} has {len(broken_links)} rows whose foreign keys point nowhere")


def _tables_in(url: URL) -> list[str]:
    if url.get_backend_name() == "sqlite" and not _sqlite_path(url).exists():
        return []
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _run(command: list[str], url: URL) -> None:
    environment = {**os.environ, "PGDATABASE": url.database or ""}
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port),
                            ("PGUSER", url.username), ("PGPASSWORD", url.password)):  # fmt: skip
        if value is not None:
            environment[variable] = str(value)
    try:  # a list of our own arguments, no shell: the URL's parts travel in the environment
        finished = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)") from error
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")
