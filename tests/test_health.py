"""/healthz and /readyz, as a load balancer asks them."""

from datetime import timedelta

from sqlalchemy import text

from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.health import checks
from forum.health.models import Heartbeat


def test_alive_asks_nothing_of_the_database(client, count_queries):
    with count_queries() as counted:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "alive"}
    assert counted.count == 0
    assert answer.headers["Cache-Control"] == "no-store"


def test_ready_once_the_worker_beats_and_not_when_it_falls_silent(client):
    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    assert waiting.json["checks"] == {"database": "ok", "migrations": "ok",
                                      "worker": "never seen"}  # fmt: skip
    checks.beat()
    assert client.get("/readyz").status_code == 200
    begin_write()
    db.session.get(Heartbeat, checks.WORKER).beat_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    silent = client.get("/readyz")
    assert silent.status_code == 503 and silent.json["checks"]["worker"].startswith("silent")
    checks.beat()  # a later beat raises it again
    assert client.get("/readyz").status_code == 200


def test_not_ready_when_the_schema_is_behind_the_code(client):
    checks.beat()
    begin_write()
    current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(text("UPDATE alembic_version SET version_num = 'e9b1d3f5a7c0'"))
    db.session.commit()
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.json["checks"]["migrations"].startswith("not current")
    finally:
        begin_write()
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()


def test_not_ready_when_the_database_is_gone(app, tmp_path):
    from forum import create_app
    from tests.conftest import TEST_CONFIG

    broken = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:9/none"}
    )
    answer = broken.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"]["database"].startswith("unreachable")
    assert broken.test_client().get("/healthz").status_code == 200
