"""The forum's application factory."""

from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from forum.config import ENGINE_OPTIONS, PROJECT_ROOT, SUPPORTED_LOCALES, build_config
from forum.security import DatabaseIntConverter
from forum.speedups.templates import environment_class


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    # Before any route is added: every <int:...> then stops at the database's integer range.
    app.url_map.converters["int"] = DatabaseIntConverter
    app.config.update(build_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(ENGINE_OPTIONS)
    app.jinja_environment = environment_class(app.config["FORUM_SPEEDUPS"])
    check_safe_to_serve(app.config)
    _check_catalogs(app)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from forum import (
        assets,
        cli,
        errors,
        i18n,
        jobs,
        logs,
        metrics,
        notices,
        pages,
        policy,
        security,
        staff,
    )
    from forum.audit import refusals
    from forum.database import configure_engine, render_migration_item
    from forum.extensions import (
        babel,
        csrf,
        db,
        limiter,
        login_manager,
        mail,
        migrate,
    )
    from forum.practices import counters as practice_counters
    from forum.search import index as search_index
    from forum.speedups import limits as speedup_limits
    from forum.speedups import urls as speedup_urls
    from forum.tags import counters as tag_counters

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=app.config["BABEL_TRANSLATION_DIRECTORIES"],
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    # Flask-Login stores the message in the session: a str, in the reader's language.
    login_manager.localize_callback = str
    login_manager.user_loader(policy.load_reader)
    with app.app_context():
        configure_engine(db.engine)

    from forum.admin.views import bp as admin_bp
    from forum.auth.staff_views import staff_bp as members_staff_bp
    from forum.auth.views import bp as auth_bp
    from forum.boards.views import bp as boards_bp
    from forum.events.views import bp as events_bp
    from forum.events.views import staff_bp as events_staff_bp
    from forum.goals.views import bp as goals_bp
    from forum.groups.staff_views import staff_bp as groups_staff_bp
    from forum.groups.views import bp as groups_bp
    from forum.health.views import bp as health_bp
    from forum.moderation import actions as moderation_actions
    from forum.moderation.views import bp as moderation_bp
    from forum.moderation.views import staff_bp as moderation_staff_bp
    from forum.notifications import actions as notification_actions
    from forum.notifications import views as notification_views
    from forum.organisations.views import bp as organisations_bp
    from forum.organisations.views import staff_bp as organisations_staff_bp
    from forum.practices.views import bp as practices_bp
    from forum.practices.views import staff_bp as practices_staff_bp
    from forum.privacy import views as privacy_views
    from forum.search.views import bp as search_bp
    from forum.tags.views import bp as tags_bp
    from forum.tags.views import staff_bp as tags_staff_bp
    from forum.threads.views import bp as threads_bp

    # First, so that every later hook's log lines carry the request's id.
    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(boards_bp)
    app.register_blueprint(threads_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(tags_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(practices_bp)
    app.register_blueprint(notification_views.bp)
    app.register_blueprint(privacy_views.bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(goals_bp)
    staff.register(
        app, moderation_staff_bp, members_staff_bp, practices_staff_bp, tags_staff_bp,
        groups_staff_bp, organisations_staff_bp, events_staff_bp, admin_bp,
    )  # fmt: skip
    if "limits" in app.config["FORUM_SPEEDUPS"]:
        speedup_limits.check_limits_only_where_set(app)
    speedup_urls.init_app(app)
    i18n.init_app(app)
    policy.init_app(app)
    security.init_app(app)
    notices.init_app(app)
    assets.init_app(app)
    search_index.init_app(app)
    tag_counters.init_app(app)
    practice_counters.init_app(app)
    refusals.init_app(app)
    notification_actions.init_app(app)
    privacy_views.init_app(app)
    moderation_actions.init_app(app)
    notification_views.init_app(app)
    jobs.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


class UnsafeConfiguration(RuntimeError):
    """Production settings that would leave the forum open; the message says what to set."""


def check_safe_to_serve(config) -> None:
    """Refuse to start in production without a shared secret key, secure cookies, and a rate
    limit store that every process shares; only the development server (make run) and the
    tests may do without."""
    if config.get("DEVELOPMENT") or config.get("TESTING"):
        return
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append(
            "SECRET_KEY is not set: give every process on every host the same long random "
            "value (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if not (config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]):
        problems.append("Cookies must be Secure in production: serve the forum over HTTPS.")
    if not config.get("FORUM_BASE_URL", "").startswith("https://"):
        problems.append(
            "FORUM_BASE_URL must be the forum's public https:// address: links in e-mail are "
            "built from it, never from a request's Host header."
        )
    if config["RATELIMIT_ENABLED"] and config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        problems.append(
            "FORUM_RATELIMIT_STORAGE_URI is in-process memory, so every process would keep "
            "limits of its own: set it to a store all of them share (redis://host:6379/0)."
        )
    if problems:
        raise UnsafeConfiguration(
            "Refusing to start in production (only `make run` sets FORUM_DEVELOPMENT=1):\n- "
            + "\n- ".join(problems)
        )


def _check_catalogs(app: Flask) -> None:
    """Refuse to start without compiled fi and sv catalogs: the UI would silently be English."""
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    missing = [
        locale
        for locale in SUPPORTED_LOCALES
        if locale != "en" and not (directory / locale / "LC_MESSAGES" / "messages.mo").exists()
    ]
    if missing:
        raise RuntimeError(
            f"compiled catalogs missing for {', '.join(missing)} in {directory}: "
            "run `make translations`"
        )
