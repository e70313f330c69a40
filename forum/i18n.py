"""Locale selection, the language switch, and helpers for content stored in three languages."""

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from forum.config import DEFAULT_LOCALE, SUPPORTED_LOCALES

LOCALE_COOKIE = "forum_locale"
# Each language is named in itself, and marked with its own lang.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The signed-in user's preference, else the remembered choice, else the browser's, else fi."""
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def localized(obj, field: str) -> str:
    """obj's field in the reader's language, e.g. localized(board, "name") -> board.name_sv."""
    return getattr(obj, f"{field}_{current_locale()}")


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target that stays on this site: a local path, never //host or a scheme."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(char) < 32 for char in target):
        return fallback
    return target


@bp.get("/language/<code>")
def switch(code: str):
    """Switch the UI language: remembered in a cookie, and as the preference when signed in."""
    from forum.auth.actions import set_locale  # auth builds on i18n, not the other way round

    target = safe_next(request.args.get("next"), url_for("boards.index"))
    if code not in SUPPORTED_LOCALES:
        return redirect(target)
    if current_user.is_authenticated and current_user.locale != code:
        set_locale(current_user, code)
    response = redirect(target)
    response.set_cookie(
        LOCALE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _time_tag(value: datetime, text: str) -> Markup:
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), escape(text))


def date_filter(value: datetime | None) -> Markup:
    return Markup("") if value is None else _time_tag(value, format_date(value, "short"))


def datetime_filter(value: datetime | None) -> Markup:
    return Markup("") if value is None else _time_tag(value, format_datetime(value, "short"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = current_locale
