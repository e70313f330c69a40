"""The job worker: huey's instance, the tasks, and their schedule. The worker's entry point:

    forum-worker  (forum/worker.py: huey's consumer with the forum's logging)

`make run` starts one beside the development server. An action writes rows (an outbox message)
in its own transaction; when that transaction commits, a task to deliver them is queued, and a
periodic task every minute picks up anything a lost queue entry or a failed attempt left.
"""

import importlib
import logging
from pathlib import Path

from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.signals import SIGNAL_ERROR
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.config import jobs_url
from forum.mail.actions import WORK_QUEUED
from forum.metrics import JOB_FAILURES
from forum.notifications.watching import FANOUT_QUEUED
from forum.privacy.export import EXPORT_QUEUED

_log = logging.getLogger("forum.jobs")


def _huey_from(url: str):
    if url.startswith("redis://"):
        return RedisHuey("forum", url=url)
    if url.startswith("memory://"):
        return MemoryHuey("forum")
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("forum", filename=str(path))


huey = _huey_from(jobs_url())
_worker_app = None


def _app_context():
    """The worker's own app (made on its first task), or the app of the caller's context."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.app_context()
    global _worker_app
    if _worker_app is None:
        from forum import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


def _run(target: str) -> int:
    """Call "module:function" in the worker's app, importing it only then: the modules of the
    forum import this one (for its queue) while the app is made."""
    module, _, name = target.partition(":")
    with _app_context():
        return getattr(importlib.import_module(module), name)()


@huey.task()
def deliver_mail_now() -> int:
    return _run("forum.mail.delivery:deliver_due")


@huey.periodic_task(crontab(minute="*"))
def deliver_mail() -> int:
    return _run("forum.mail.delivery:deliver_due")


@huey.periodic_task(crontab(hour="3", minute="17"))
def remove_expired_sessions() -> int:
    return _run("forum.auth.actions:remove_expired_sessions")


@huey.task()
def tell_watchers_now() -> int:
    return _run("forum.notifications.watching:tell_watchers_due")


@huey.periodic_task(crontab(minute="*"))
def tell_watchers() -> int:
    return _run("forum.notifications.watching:tell_watchers_due")


@huey.periodic_task(crontab(minute="*"))
def mail_notifications() -> int:
    return _run("forum.notifications.mailing:mail_due")


@huey.periodic_task(crontab(minute="*/15"))
def mail_digests() -> int:
    return _run("forum.notifications.mailing:digests_due")


@huey.task()
def prepare_exports_now() -> int:
    return _run("forum.privacy.export:prepare_due")


@huey.periodic_task(crontab(minute="*"))
def prepare_exports() -> int:
    return _run("forum.privacy.export:prepare_due")


@huey.periodic_task(crontab(hour="3", minute="37"))
def remove_outlived_data() -> dict:
    return _run("forum.privacy.retention:remove_outlived")


@huey.on_startup()
def _beat_on_start() -> None:
    # At once, so that a freshly started worker counts for /readyz without waiting a minute.
    try:
        _run("forum.health.checks:beat")
    except Exception as error:  # the database not there yet: the periodic beat will say it
        _log.warning("no heartbeat at start: %s", type(error).__name__)


@huey.periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """/readyz reads this: a worker that stopped beating is taken as stopped."""
    return _run("forum.health.checks:beat")


@huey.signal(SIGNAL_ERROR)
def _count_failure(_signal, task, _error=None) -> None:
    JOB_FAILURES.labels(task.name).inc()


def _queue_after_commit(session) -> None:
    queued = ((WORK_QUEUED, deliver_mail_now), (FANOUT_QUEUED, tell_watchers_now),
              (EXPORT_QUEUED, prepare_exports_now))  # fmt: skip
    for flag, task in queued:
        if session.info.pop(flag, False):
            try:
                task()
            except Exception as error:  # the queue down: the periodic run does it
                _log.warning("could not queue %s: %s", flag, type(error).__name__)


def init_app(app) -> None:
    if not event.contains(Session, "after_commit", _queue_after_commit):
        event.listen(Session, "after_commit", _queue_after_commit)
