"""`dates` (forum.speedups): CLDR's short date and time patterns compiled to str.format
templates, what Babel's format_date and format_datetime give, several times faster."""

import html
from datetime import datetime
from functools import lru_cache

from babel import Locale, dates

# CLDR's short date and time patterns, compiled to str.format templates over
# (value, two-digit year, 12-hour clock hour, day period) that write HTML, their fixed text
# escaped once: a thread page formats a hundred dates, and Babel's pattern objects spent more
# time on each than on the rest of its post. Patterns with other fields (none of fi, sv and en
# have them) are left to Babel.
_FIELDS = {
    ("d", 1): "{0.day}",
    ("d", 2): "{0.day:02d}",
    ("M", 1): "{0.month}",
    ("M", 2): "{0.month:02d}",
    ("y", 1): "{0.year}",
    ("y", 2): "{1:02d}",
    ("y", 4): "{0.year:04d}",
    ("H", 1): "{0.hour}",
    ("H", 2): "{0.hour:02d}",
    ("h", 1): "{2}",
    ("h", 2): "{2:02d}",
    ("m", 1): "{0.minute}",
    ("m", 2): "{0.minute:02d}",
    ("a", 1): "{3}",
}


def _compile_pattern(pattern: str) -> str | None:
    template = []
    for kind, value in dates.tokenize_pattern(pattern):
        if kind == "chars":
            template.append(html.escape(value).replace("{", "{{").replace("}", "}}"))
        elif value in _FIELDS:
            template.append(_FIELDS[value])
        else:
            return None
    return "".join(template)


@lru_cache(maxsize=8)
def short_formats(locale: Locale):
    """(date template, date-and-time template, AM name, PM name), as HTML; a template is None
    where the locale's pattern needs Babel."""
    day = _compile_pattern(locale.date_formats["short"].pattern)
    time = _compile_pattern(locale.time_formats["short"].pattern)
    day_and_time = None
    if day is not None and time is not None:
        joined = html.escape(str(locale.datetime_formats["short"]))
        joined = joined.replace("{", "{{").replace("}", "}}")
        day_and_time = joined.replace("{{1}}", day).replace("{{0}}", time)
    periods = dates.get_period_names("abbreviated", "format", locale)
    return day, day_and_time, html.escape(periods["am"]), html.escape(periods["pm"])


def format_short(value: datetime, formats: tuple, *, with_time: bool) -> str:
    """What babel.dates.format_date/format_datetime(value, "short") give, in the formats' zone
    and locale (_formats_for), as HTML."""
    zone, locale, day, day_and_time, am, pm = formats
    local = value.astimezone(zone)
    template = day_and_time if with_time else day
    if template is None:
        if with_time:
            return html.escape(dates.format_datetime(local, "short", tzinfo=zone, locale=locale))
        return html.escape(dates.format_date(local, "short", locale=locale))
    hour = local.hour
    return template.format(local, local.year % 100, hour % 12 or 12, pm if hour >= 12 else am)
