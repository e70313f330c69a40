"""`flask backup` and `flask restore`: a copy taken while members write holds every message
acknowledged before it began, restores into an empty database, and passes an integrity check."""

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from forum.auth.models import User
from forum.backup import BackupError, backup, restore
from forum.extensions import db
from forum.threads import actions
from forum.threads.models import Post, Thread
from tests.conftest import _make_app

WRITTEN_BEFORE_THE_COPY = 15


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A second, empty database of the same kind to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(database_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{url.database}_restored"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Writer(threading.Thread):
    """Replies through the real action, one transaction each, in an app of its own, noting the
    id of each reply once its commit has returned."""

    def __init__(self, database_url: str, thread_id: int, author_id: int):
        super().__init__(daemon=True)
        self.database_url, self.thread_id, self.author_id = database_url, thread_id, author_id
        self.acknowledged: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        app = _make_app(self.database_url)
        try:
            with app.app_context():
                while not self.stop.is_set():
                    author = db.session.get(User, self.author_id)
                    parent = db.session.scalar(
                        select(Post).where(Post.thread_id == self.thread_id, Post.depth == 0)
                    )
                    number = len(self.acknowledged)
                    post = actions.reply(parent, by=author, body=f"Vastaus {number}",
                                         language="fi")  # fmt: skip
                    self.acknowledged.append(post.id)
                    db.session.remove()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            with app.app_context():
                db.engine.dispose()


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the writer did not get going")
        time.sleep(0.02)


def test_a_backup_under_writes_restores_whole(database_url, empty_database, make, tmp_path):
    thread = make.thread(make.board(), author=make.user(role="admin"), title="Varmuuskopio")
    writer = Writer(database_url, thread.id, make.user().id)
    db.session.commit()
    writer.start()
    try:
        _wait_for(lambda: len(writer.acknowledged) >= WRITTEN_BEFORE_THE_COPY or writer.error)
        before_the_copy = set(writer.acknowledged)
        copy = tmp_path / "forum.backup"
        backup(database_url, copy)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    restore(empty_database, copy)

    restored = create_engine(empty_database)
    try:
        with restored.connect() as connection:
            posts = set(connection.scalars(
                select(Post.id).where(Post.thread_id == thread.id, Post.depth > 0)
            ))  # fmt: skip
            reply_count = connection.scalar(
                select(Thread.reply_count).where(Thread.id == thread.id)
            )
            if restored.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar()
    finally:
        restored.dispose()
    assert before_the_copy <= posts
    assert posts <= set(writer.acknowledged)
    # One snapshot: the thread's counter agrees with the replies the copy holds.
    assert reply_count == len(posts)


def test_restore_refuses_a_database_with_data(database_url, tmp_path, make):
    make.board()
    db.session.commit()
    copy = tmp_path / "forum.backup"
    backup(database_url, copy)
    with pytest.raises(BackupError, match="not empty"):
        restore(database_url, copy)
    with pytest.raises(BackupError, match="no backup"):
        restore(database_url, tmp_path / "missing.backup")


def test_a_damaged_sqlite_copy_is_not_restored(tmp_path):
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(BackupError):
        restore(f"sqlite:///{tmp_path / 'new.sqlite3'}", damaged)
    assert not (tmp_path / "new.sqlite3").exists()


def test_the_commands(app, database_url, tmp_path, make):
    make.board()
    db.session.commit()
    runner = app.test_cli_runner()
    copy = tmp_path / "copy.backup"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.exists()
    result = runner.invoke(args=["restore", str(copy)])
    assert result.exit_code != 0 and "not empty" in result.output
    count = db.session.scalar(select(func.count()).select_from(Thread))
    assert count == 0
