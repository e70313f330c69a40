"""Translated error pages."""

import structlog
from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import RequestEntityTooLarge

from forum.database import end_read_transaction
from forum.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (
        _l("Page not found"),
        _l("There is no page at this address, or you do not have access to it."),
    ),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried this too many times in a short while. Wait a moment and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. Please try again in a moment."),
    ),
    503: (
        _l("The forum is unavailable for a moment"),
        _l(
            "The forum cannot reach its database just now. Nothing you sent was saved: try "
            "again in a moment."
        ),
    ),
}


_log = structlog.get_logger("forum.errors")

# Form fields whose text an error page hands back, so that nothing the user wrote is lost.
RETURNED_FIELDS = ("title", "body")


def _returned_text() -> dict[str, str]:
    """The title and message the user sent, to give back; none from a body too large to read
    (reading it again would only fail again)."""
    if request.content_length and request.content_length > (request.max_content_length or 0):
        return {}
    try:
        form = request.form
    except RequestEntityTooLarge:
        return {}
    return {name: form[name].replace("\x00", "") for name in RETURNED_FIELDS if form.get(name)}


def _render(status: int, message=None):
    title, default_message = MESSAGES[status]
    returned = _returned_text()
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=message or default_message,
        returned=returned,
    ), status


def _database_unavailable(error):
    """The database does not answer (restarting, or the network to it down): a translated 503
    that asks for a retry, the user's text handed back, and nothing more asked of the database
    (the page is drawn as for a visitor). The next request finds it again: the BEGIN that a
    connection is given as it leaves the pool finds one the database dropped (forum.database)."""
    _log.warning("database unavailable", error=type(getattr(error, "orig", error)).__name__)
    try:
        db.session.rollback()
    except DBAPIError:
        db.session().invalidate()
    g._login_user = AnonymousUserMixin()  # what Flask-Login reads for current_user
    page, status = _render(503)
    return page, status, {"Retry-After": "5"}


def init_app(app) -> None:
    @app.teardown_appcontext
    def _close_even_if_the_database_went(error=None):
        # Before Flask-SQLAlchemy's own close (teardowns run last registered first): a
        # connection the database dropped while the request held it fails its closing
        # rollback, which would turn an answered request into a 500 after the fact.
        try:
            if error is None:
                end_read_transaction()
            db.session.close()
        except DBAPIError:
            db.session().invalidate()

    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    for status in MESSAGES:
        if status not in (500, 503):
            app.register_error_handler(status, lambda error, status=status: _render(status))

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return _render(
            400,
            _l("Your form had expired, so it was not sent. Reload the form and send it again."),
        )

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        return _render(500)
