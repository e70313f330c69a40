"""Prometheus metrics: request latency per endpoint, the outbox's depth, the jobs that failed.

Under gunicorn each worker is a process of its own; with PROMETHEUS_MULTIPROC_DIR set (one
empty directory per host, the same for the app and the job worker), each process writes its
samples there and /metrics adds every process's up, so any worker answers for the whole host
(gunicorn.conf.py marks a finished worker's files dead). /metrics is served only with
FORUM_METRICS_TOKEN set, to a scraper that sends it as a bearer token.
"""

import hmac
import os
import time

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from forum.extensions import db
from forum.mail.models import OutboxMessage, OutboxStatus

REQUEST_SECONDS = Histogram(
    "forum_request_duration_seconds", "Time to answer a request, by endpoint and method.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
RESPONSES = Counter(
    "forum_responses_total", "Responses sent, by endpoint and status.", ["endpoint", "status"]
)
JOB_FAILURES = Counter("forum_job_failures_total", "Jobs of the worker that failed.", ["task"])

bp = Blueprint("metrics", __name__)


class _Outbox:
    """The outbox read at each scrape, from the database every process shares."""

    def collect(self):
        rows = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        db.session.rollback()
        depth = GaugeMetricFamily("forum_outbox_depth", "Messages waiting to be sent.")
        depth.add_metric([], rows.get(OutboxStatus.PENDING, 0))
        yield depth
        failed = GaugeMetricFamily("forum_outbox_failed", "Messages the worker gave up on.")
        failed.add_metric([], rows.get(OutboxStatus.FAILED, 0))
        yield failed


def _registry() -> CollectorRegistry:
    """A registry for one scrape: every process's samples, or this process's, and the outbox."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in (REQUEST_SECONDS, RESPONSES, JOB_FAILURES):
            registry.register(metric)
    registry.register(_Outbox())
    return registry


@bp.get("/metrics")
def scrape():
    token = current_app.config["FORUM_METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(sent.encode(), token.encode()):
        abort(404)
    body = generate_latest(_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _start():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.get("metrics_started")
        endpoint = request.endpoint or "(no route)"
        if started is not None and endpoint != "metrics.scrape":
            REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
            RESPONSES.labels(endpoint, str(response.status_code)).inc()
        return response
