"""Locale selection, the language switch, and helpers for content stored in three languages."""

from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import flask_babel
from babel import Locale, dates
from flask import Blueprint, current_app, g, redirect, request, url_for
from flask_babel import get_locale
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


def refresh() -> None:
    """Forget this request's locale and translations, after the user changed language."""
    flask_babel.refresh()
    g.pop("_translations", None)
    g.pop("_locale_and_zone", None)


def request_translations():
    # Looked up once per request: a page calls gettext hundreds of times.
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = flask_babel.get_translations()
    return translations


def _locale_and_zone():
    cached = g.get("_locale_and_zone")
    if cached is None:
        cached = g._locale_and_zone = (flask_babel.get_locale(), flask_babel.get_timezone())
    return cached


@lru_cache(maxsize=8)
def _short_patterns(locale: Locale):
    """The locale's short date and time patterns, parsed once, and how it joins them."""
    return (
        dates.parse_pattern(locale.date_formats["short"]),
        dates.parse_pattern(locale.time_formats["short"]),
        str(locale.datetime_formats["short"]),
    )


def _format_short(value: datetime, *, with_time: bool) -> str:
    # What babel.dates.format_datetime(value, "short") gives, without re-resolving the locale
    # and patterns for every one of a page's dates.
    locale, zone = _locale_and_zone()
    local = value.astimezone(zone)
    date_pattern, time_pattern, joined = _short_patterns(locale)
    day = date_pattern.apply(local, locale)
    if not with_time:
        return day
    return joined.replace("{1}", day).replace("{0}", time_pattern.apply(local, locale))


def _time_tag(value: datetime, text: str) -> Markup:
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), escape(text))


def date_filter(value: datetime | None) -> Markup:
    """<time> with the reader's short date: 5.3.2026 in Finnish, 2026-03-05 in Swedish."""
    if value is None:
        return Markup("")
    return _time_tag(value, _format_short(value, with_time=False))


def datetime_filter(value: datetime | None) -> Markup:
    if value is None:
        return Markup("")
    return _time_tag(value, _format_short(value, with_time=True))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.install_gettext_callables(
        lambda string: request_translations().ugettext(string),
        lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
