"""Messages for the next page (Flask's flash), each shown once.

A client that posts several times before it loads a page (two tabs, a script, a client that does
not follow redirects) would otherwise collect the same "Your reply is posted." again and again,
and carry every copy in its session cookie.
"""

from flask import flash, redirect, session, url_for


def init_app(app) -> None:
    @app.after_request
    def _one_of_each(response):
        if not session.modified:  # a page that flashed nothing; reading would add Vary: Cookie
            return response
        pending = session.get("_flashes")
        if pending and len(pending) != len(set(pending)):
            session["_flashes"] = list(dict.fromkeys(pending))
        return response


def redirect_with(message: str, endpoint: str, **values):
    """A redirect to `endpoint` whose page tells the reader `message` (a translated string)."""
    flash(message)
    return redirect(url_for(endpoint, **values))
