"""Extensions, created unbound and bound to an app in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
mail = Mail()
# Storage from RATELIMIT_STORAGE_URI: memory by default, Redis when several processes serve.
limiter = Limiter(key_func=get_remote_address)


def check_limits_only_where_set(app, limiter: Limiter = limiter) -> None:
    """Leave out Flask-Limiter's check before every request when no limit applies to every
    request: this forum's limits decorate the views that have them, and a decorated view checks
    its own when called. The check looked for limits on every page, and cost the board index a
    tenth of its time. Called once the blueprints are registered."""
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
