"""One logging configuration for the app, gunicorn, the job worker and Python's warnings
(SQLAlchemy's among them): structured events (structlog) written as JSON lines, each request's
with a request id.

What is logged never holds a message's text, an e-mail address, a password or a token: a
request is logged by its route's pattern (/calendar/<token>.ics), never its path or query
string, and the forum's own log lines name accounts by id and mail by its outbox row.
tests/test_logs.py walks a full journey and searches the log for every such value.
"""

import logging
import os
import re
import sys
import time
import uuid

import structlog
from flask import g, request

_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
# Loggers that come with handlers of their own: theirs go, so every line takes one format.
_THEIR_OWN = ("gunicorn", "gunicorn.error", "gunicorn.access", "huey", "huey.consumer",
              "sqlalchemy", "werkzeug", "py.warnings")  # fmt: skip
# A request id a proxy or client sent is kept if it is a plain token, else a new one is made.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

_log = structlog.get_logger("forum.requests")
# Set by a process that set up logging before it made the app: the job worker, whose --logfile
# the app would otherwise replace with standard error on the worker's first task.
configured_before_app = False


def configure(*, json: bool = True, level: str = "INFO", stream=None) -> None:
    """Send every logger's lines, the standard library's and structlog's, through one handler
    on the root logger, as JSON lines (or plain text for a terminal)."""
    renderer = (structlog.processors.JSONRenderer() if json
                else structlog.dev.ConsoleRenderer(colors=False))  # fmt: skip
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer],
    )  # fmt: skip
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in _THEIR_OWN:
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # Which of its plugins Alembic set up, on every start of every process: noise.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def init_app(app) -> None:
    """A request id for each request (bound to every line it logs, and sent back as
    X-Request-ID), and one line when it ends. The tests configure logging themselves."""
    if not app.config.get("TESTING") and not configured_before_app:
        configure(json=app.config["FORUM_LOG_JSON"], level=app.config["FORUM_LOG_LEVEL"])

    @app.before_request
    def _start():
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _finish(response):
        started = g.get("request_started")
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        _log.info(
            "request", method=request.method, route=rule, endpoint=request.endpoint,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1) if started else None,
        )  # fmt: skip
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def _forget(_error=None):
        structlog.contextvars.clear_contextvars()


try:
    from gunicorn import glogging
except ImportError:  # gunicorn is a production dependency; tests on other servers go without
    glogging = None

if glogging is not None:

    class GunicornLogger(glogging.Logger):
        """gunicorn's own lines (start, workers, errors) in the forum's format: its handlers go,
        and its loggers hand their lines to the root logger that configure() set up. Its access
        log stays off: forum.logs writes one line per request, by route, not by path."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            configure(json=os.environ.get("FORUM_LOG_JSON", "1") not in ("0", "false", "no"),
                      level=os.environ.get("FORUM_LOG_LEVEL", "INFO"))  # fmt: skip
            for logger in (self.error_log, self.access_log):
                logger.handlers = []
                logger.propagate = True
