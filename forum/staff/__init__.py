"""Every staff page under one URL prefix, /staff/, behind one guard, so that no staff page can
forget the check (Lobsters does the same). Each domain keeps its staff views beside its other
views, in a blueprint of its own (`staff_bp`) that create_app puts here; the guard lets in only
staff who hold their powers (not suspended). Per-object checks stay in the views and actions:
a moderator of one board is still refused another board's thread."""

from flask import Blueprint
from flask_login import current_user

from forum import policy
from forum.extensions import login_manager

URL_PREFIX = "/staff"


def _staff_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    policy.require(current_user, "staff.enter", None)
    return None


def register(app, *staff_blueprints) -> None:
    """Put each domain's staff blueprint under /staff/ and its guard, and that on `app`.

    The parent is made for each app: Flask closes a blueprint to changes once registered."""
    staff = Blueprint("staff", __name__, url_prefix=URL_PREFIX)
    staff.before_request(_staff_only)
    for blueprint in staff_blueprints:
        staff.register_blueprint(blueprint)
    app.register_blueprint(staff)
