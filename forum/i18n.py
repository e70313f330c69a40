"""Locale selection, the language switch, and helpers for content stored in three languages."""

from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import flask_babel
from babel import Locale, dates
from flask import Blueprint, current_app, g, has_app_context, redirect, request, url_for
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
    # Asked for by every localized name on a page: worked out once a request.
    if not has_app_context():
        return str(get_locale() or DEFAULT_LOCALE)
    code = g.get("_locale_code")
    if code is None:
        code = g._locale_code = str(get_locale() or DEFAULT_LOCALE)
    return code


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
    g.pop("_locale_code", None)


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


# The fields of CLDR's short date and time patterns in fi, sv and en, formatted without Babel's
# general machinery: a listing formats dozens of dates, and Babel's pattern objects spent more
# time on each than the rest of its row. Any other field goes to Babel.
_FIELDS = {
    ("d", 1): lambda v: str(v.day),
    ("d", 2): lambda v: f"{v.day:02d}",
    ("M", 1): lambda v: str(v.month),
    ("M", 2): lambda v: f"{v.month:02d}",
    ("y", 1): lambda v: str(v.year),
    ("y", 2): lambda v: f"{v.year % 100:02d}",
    ("y", 4): lambda v: f"{v.year:04d}",
    ("H", 1): lambda v: str(v.hour),
    ("H", 2): lambda v: f"{v.hour:02d}",
    ("h", 1): lambda v: str(v.hour % 12 or 12),
    ("h", 2): lambda v: f"{v.hour % 12 or 12:02d}",
    ("m", 1): lambda v: str(v.minute),
    ("m", 2): lambda v: f"{v.minute:02d}",
}


def _compile_pattern(pattern: str, locale: Locale):
    parts = []
    for kind, value in dates.tokenize_pattern(pattern):
        if kind == "chars":
            parts.append(lambda _v, text=value: text)
        elif value in _FIELDS:
            parts.append(_FIELDS[value])
        elif value == ("a", 1):
            periods = dates.get_period_names("abbreviated", "format", locale)
            parts.append(lambda v, am=periods["am"], pm=periods["pm"]: pm if v.hour >= 12 else am)
        else:
            field = value[0] * value[1]
            parts.append(lambda v, field=field: dates.DateTimeFormat(v, locale)[field])
    return lambda value: "".join(part(value) for part in parts)


@lru_cache(maxsize=8)
def _short_formats(locale: Locale):
    """The locale's short date and date-and-time formats, compiled once."""
    day = _compile_pattern(locale.date_formats["short"].pattern, locale)
    time = _compile_pattern(locale.time_formats["short"].pattern, locale)
    joined = str(locale.datetime_formats["short"])
    return day, lambda v: joined.replace("{1}", day(v)).replace("{0}", time(v))


def _format_short(value: datetime, *, with_time: bool) -> str:
    """What babel.dates.format_date/format_datetime(value, "short") give, in the reader's zone."""
    locale, zone = _locale_and_zone()
    day, day_and_time = _short_formats(locale)
    local = value.astimezone(zone)
    return day_and_time(local) if with_time else day(local)


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


def number_filter(value) -> str:
    """flask_babel's format_number; numbers below 1,000 (most counts) need no grouping."""
    if isinstance(value, int) and 0 <= value < 1000:
        return str(value)
    return flask_babel.format_number(value)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["numberformat"] = number_filter
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.install_gettext_callables(
        lambda string: request_translations().ugettext(string),
        lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
