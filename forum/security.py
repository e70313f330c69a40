"""Request hygiene and response headers: input no browser sends is refused with a 4xx before
it reaches a view or the database, and headers make a second wall behind the HTML sanitiser."""

from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

# PostgreSQL's integer: ids and numeric filters past it fail in the database, not in the view.
DATABASE_INT_MAX = 2**31 - 1


def database_int(value: str) -> int:
    """int(value) within the database's integer range, else ValueError: a `type=` for
    request.args.get(), which then answers its default."""
    number = int(value)
    if not -DATABASE_INT_MAX - 1 <= number <= DATABASE_INT_MAX:
        raise ValueError(f"{value!r} is out of range")
    return number


class DatabaseIntConverter(IntegerConverter):
    """<int:...> in routes, matching only what the database can hold: beyond it, 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


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


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def _refuse_nul():
    """PostgreSQL's text cannot hold a NUL, and no form or link of ours sends one."""
    if "\x00" in request.path:
        abort(404)
    if _has_nul(request.args.values()) or (
        request.method == "POST" and _has_nul(request.form.values())
    ):
        abort(400)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def init_app(app) -> None:
    app.before_request(_refuse_nul)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if current_user.is_authenticated:
            # A signed-in page is that person's: no shared cache may keep or serve it.
            response.cache_control.private = True
            response.vary.add("Cookie")
        return response
