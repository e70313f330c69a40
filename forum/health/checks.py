"""The readiness checks, each answering "ok" or what is wrong, and the worker's heartbeat."""

from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from forum.config import PROJECT_ROOT
from forum.database import begin_write, raise_to, utcnow
from forum.extensions import db
from forum.health.models import Heartbeat

WORKER = "worker"


def beat(name: str = WORKER) -> None:
    """Note that `name` is alive now (the job worker calls this every minute)."""
    begin_write()
    raise_to(Heartbeat, {"name": name}, "beat_at", utcnow())
    db.session.commit()


@cache
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_heads())


def readiness() -> dict[str, str]:
    """{check: "ok" or what is wrong}: the database, its migrations, the job worker."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return {"database": f"unreachable ({type(error).__name__})", "migrations": "unknown",
                "worker": "unknown"}  # fmt: skip
    checks = {"database": "ok"}
    current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    checks["migrations"] = "ok" if current == _heads() else "not current: run flask db upgrade"
    last = db.session.scalar(select(Heartbeat.beat_at).where(Heartbeat.name == WORKER))
    limit = current_app.config["FORUM_WORKER_SILENCE_LIMIT"]
    if last is None:
        checks["worker"] = "never seen"
    elif utcnow() - last > limit:
        checks["worker"] = f"silent for {int((utcnow() - last).total_seconds())} s"
    else:
        checks["worker"] = "ok"
    db.session.rollback()  # end the read transaction: nothing else of this request follows
    return checks
