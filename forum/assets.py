"""Static files with fingerprinted URLs, so browsers may keep them for a year."""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, request

from forum.speedups.urls import cached_url_for

ONE_YEAR = 365 * 24 * 3600


@cache
def _fingerprint(folder: str, filename: str, _modified: float) -> str:
    return hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """url_for('static', ...) with a content hash: a changed file gets a new address."""
    folder = current_app.static_folder
    # Files change under a running server only in development; elsewhere, hash once a process.
    modified = (Path(folder) / filename).stat().st_mtime if current_app.debug else 0.0
    return cached_url_for("static", filename=filename, v=_fingerprint(folder, filename, modified))


def init_app(app) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = ONE_YEAR  # safe: every address is versioned
    app.jinja_env.globals["static_url"] = static_url

    @app.after_request
    def _conditional_get(response):
        # Pages are small; hashing one is cheaper than sending it again to a browser that has it.
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and not response.is_streamed
        ):
            response.add_etag()
            response.make_conditional(request)
        return response
