"""Locale selection, the language switch, and helpers for content stored in three languages."""

import html
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale
from babel import dates as babel_dates
from flask import (
    Blueprint,
    current_app,
    g,
    has_app_context,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from forum.config import DEFAULT_LOCALE, SUPPORTED_LOCALES
from forum.security import safe_next
from forum.speedups.dates import format_short, short_formats

LOCALE_COOKIE = "forum_locale"
# Each language is named in itself, and marked with its own lang.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

bp = Blueprint("i18n", __name__)


def language_choices():
    return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES]


def select_locale() -> str:
    """The language chosen in this browser, else the signed-in user's preference, else the
    browser's, else fi."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE


def current_locale() -> str:
    # Asked for by every localized name on a page: worked out once a request.
    if not has_app_context():
        return str(get_locale() or DEFAULT_LOCALE)
    code = g.get("_locale_code")
    if code is None:
        code = g._locale_code = str(get_locale() or DEFAULT_LOCALE)
    return code


class PerLanguage:
    """Lazy strings (labels made at import) as plain text in the reader's language, worked out
    once a language: a lazy string runs gettext each time it is shown, and a listing may show
    one twenty times. The catalogs do not change under a running process."""

    def __init__(self, texts: dict):
        self._texts = texts
        self._by_locale: dict[str, dict[str, str]] = {}

    def __call__(self) -> dict[str, str]:
        locale = current_locale()
        texts = self._by_locale.get(locale)
        if texts is None:  # two threads may both work it out: the same answer
            with flask_babel.force_locale(locale):  # in the language they are kept under
                texts = {key: str(text) for key, text in self._texts.items()}
            self._by_locale[locale] = texts
        return texts


def localized(obj, field: str) -> str:
    """obj's field in the reader's language, e.g. localized(board, "name") -> board.name_sv."""
    return getattr(obj, f"{field}_{current_locale()}")


@bp.get("/language/<code>")
def switch(code: str):
    """Switch the UI language in this browser (a cookie). A link changes nothing stored: the
    account's preferred language, which its e-mail follows, is set on the account page."""
    target = safe_next(request.args.get("next"), url_for("boards.index"))
    if code not in SUPPORTED_LOCALES:
        return redirect(target)
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


def forget_browser_choice(response) -> None:
    """After signing in or saving the preference, the account's language applies again."""
    response.delete_cookie(LOCALE_COOKIE)


def refresh() -> None:
    """Forget this request's locale and translations, after the user changed language."""
    flask_babel.refresh()
    g.pop("_translations", None)
    g.pop("_date_formats", None)
    g.pop("_locale_code", None)


_REQUEST_LANGUAGE = ("_translations", "_date_formats", "_locale_code")


@contextmanager
def speaking(locale: str):
    """Render for someone else in their language (e-mail): Babel's force_locale, with what
    this request has worked out of its own language set aside meanwhile."""
    saved = {key: g.pop(key) for key in _REQUEST_LANGUAGE if key in g} if has_app_context() else {}
    try:
        with flask_babel.force_locale(locale):
            yield
    finally:
        if has_app_context():
            for key in _REQUEST_LANGUAGE:
                g.pop(key, None)
            for key, value in saved.items():
                setattr(g, key, value)


def request_translations():
    # Looked up once per request: a page calls gettext hundreds of times.
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = flask_babel.get_translations()
    return translations


# English dates as British usage writes them, day first and 24-hour (3/12/2026 11:19 is read
# as the 3rd of December here; Babel's plain English is American, 12/3/26, 11:19 AM).
_DATE_LOCALES = {"en": "en_GB"}


def dates_locale(locale) -> Locale:
    """The locale whose date and time patterns the UI language uses."""
    name = str(locale)
    return Locale.parse(_DATE_LOCALES.get(name, name))


def _date_formats() -> tuple:
    """(zone, locale, and short_formats() of the locale) of this request, looked up once: a
    listing formats fifty dates."""
    cached = g.get("_date_formats")
    if cached is None:
        cached = g._date_formats = _formats_for(
            str(flask_babel.get_timezone()), dates_locale(flask_babel.get_locale())
        )
    return cached


@lru_cache(maxsize=16)
def _formats_for(zone: str, locale: Locale) -> tuple:
    return (_zone_info(zone), locale, *short_formats(locale))


@lru_cache(maxsize=16)
def _zone_info(name: str) -> ZoneInfo:
    # The same zone as Flask-Babel's pytz one; zoneinfo converts several times faster.
    return ZoneInfo(name)


def _time_tag(value: datetime, shown: str) -> Markup:
    # A listing writes fifty of these, so no Markup is made of each part; shown is HTML already,
    # and isoformat() writes only digits, letters and "-:+.".
    return Markup(f'<time datetime="{value.isoformat()}">{shown}</time>')  # noqa: S704 - see above


def _time_element(formats: tuple, with_time: bool, value: datetime | None) -> Markup:
    if value is None:
        return Markup("")
    return _time_tag(value, format_short(value, formats, with_time=with_time))


def date_filter(value: datetime | None) -> Markup:
    """<time> with the reader's short date: 5.3.2026 in Finnish, 2026-03-05 in Swedish."""
    return _time_element(_date_formats(), False, value)


def datetime_filter(value: datetime | None) -> Markup:
    return _time_element(_date_formats(), True, value)


def babel_date_filter(value: datetime | None) -> Markup:
    """date_filter as Babel formats it, the stock path `dates` (forum.speedups) replaces."""
    if value is None:
        return Markup("")
    zone, locale = flask_babel.get_timezone(), dates_locale(flask_babel.get_locale())
    shown = babel_dates.format_date(value.astimezone(zone), "short", locale=locale)
    return _time_tag(value, html.escape(shown))


def babel_datetime_filter(value: datetime | None) -> Markup:
    if value is None:
        return Markup("")
    zone, locale = flask_babel.get_timezone(), dates_locale(flask_babel.get_locale())
    shown = babel_dates.format_datetime(value, "short", tzinfo=zone, locale=locale)
    return _time_tag(value, html.escape(shown))


def language_filters(locale: str) -> dict:
    """date and datetime for the templates of one language (forum.speedups.templates), its
    formats bound once instead of looked up for each of a listing's dates. The time zone is
    the application's: readers do not choose their own."""
    formats = _formats_for(str(flask_babel.get_timezone()), dates_locale(locale))
    return {
        "date": partial(_time_element, formats, False),
        "datetime": partial(_time_element, formats, True),
    }


def number_filter(value) -> str:
    """flask_babel's format_number; numbers below 1,000 (most counts) need no grouping."""
    if isinstance(value, int) and 0 <= value < 1000:
        return str(value)
    return flask_babel.format_number(value)


def in_language(text: str, language: str | None) -> Markup | str:
    """Text written in `language`, marked so where it differs from the page's (a thread's
    title in a listing or a sentence), so that screen readers pronounce it in its language."""
    if not language or language == current_locale():
        return text
    return Markup('<span lang="{}">{}</span>').format(language, text)


# What a visitor who is not signed in sees instead of names (None: the names), set before each
# request: a listing shows two names a row, and asking the request's proxies for each cost the
# board page a twentieth more. Mail rendered by the job worker, outside requests, goes to
# members and names them.
_HIDDEN_NAME: ContextVar[str | None] = ContextVar("hidden_name", default=None)


def member_name(name: str | None) -> str:
    """A member's name as shown: to a visitor who is not signed in, "A forum member" (who wrote
    what, and from which organisation, is for members); an erased account's, "Former member"."""
    return _HIDDEN_NAME.get() or name or flask_babel.gettext("Former member")


def _names_for_this_request() -> None:
    if request.endpoint != "static":
        hidden = None if current_user.is_authenticated else flask_babel.gettext("A forum member")
        _HIDDEN_NAME.set(hidden)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["member"] = member_name
    app.before_request(_names_for_this_request)
    # Back to the names when the request ends: a thread (or a test) that renders mail after
    # serving a visitor would otherwise hide them from the members the mail goes to.
    app.teardown_request(lambda _error=None: _HIDDEN_NAME.set(None))
    app.jinja_env.filters["in_language"] = in_language
    if "dates" in app.config["FORUM_SPEEDUPS"]:
        app.jinja_env.filters["date"] = date_filter
        app.jinja_env.filters["datetime"] = datetime_filter
        app.jinja_env.language_filters = language_filters
    else:
        app.jinja_env.filters["date"] = babel_date_filter
        app.jinja_env.filters["datetime"] = babel_datetime_filter
    app.jinja_env.filters["numberformat"] = number_filter
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.install_gettext_callables(
        lambda string: request_translations().ugettext(string),
        lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
