from flask import Blueprint, jsonify

from forum.health import checks

bp = Blueprint("health", __name__)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def alive():
    """The process answers: nothing else is asked, so a database outage does not get every
    process restarted."""
    return _answer({"status": "alive"}, 200)


@bp.get("/readyz")
def ready():
    """Ready for requests: a load balancer sends none to a process that answers 503."""
    found = checks.readiness()
    ready = all(value == "ok" for value in found.values())
    return _answer({"status": "ready" if ready else "not ready", "checks": found},
                   200 if ready else 503)  # fmt: skip
