"""`limits` (forum.speedups): no Flask-Limiter check before every request when no limit applies
to every request."""

from flask_limiter import Limiter

from forum.extensions import limiter as forum_limiter


def check_limits_only_where_set(app, limiter: Limiter = forum_limiter) -> None:
    """Leave out Flask-Limiter's check before every request when no limit applies to every
    request: this forum's limits decorate the views that have them, and a decorated view checks
    its own when called. The check looked for limits on every page, and cost the board index a
    tenth of its time. Called once the blueprints are registered, when `limits` is on."""
    manager = limiter.limit_manager
    if (
        manager.application_limits
        or manager.default_limits
        or any(manager.blueprint_limits(app, name) for name in app.blueprints)
    ):
        return
    hooks = app.before_request_funcs[None]
    if limiter._check_request_limit in hooks:  # not there when limits are switched off
        hooks.remove(limiter._check_request_limit)
