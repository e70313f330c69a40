"""`urls` (forum.speedups): templates' url_for remembering the paths it built, and url_prefix,
which listings use to write a row's link as a prefix and its id."""

from functools import lru_cache

from flask import request, url_for


def cached_url_for(endpoint: str, **values) -> str:
    """url_for for templates, remembering paths it has built.

    A path depends only on the endpoint, its arguments and the script root, and a page builds the
    same links (navigation, language switch, listings) for every reader. What depends on more
    (external URLs on the request's host, endpoints relative to its blueprint) goes to url_for
    itself.
    """
    if endpoint.startswith(".") or "_external" in values or "_scheme" in values:
        return url_for(endpoint, **values)
    try:
        return _built_path(request.script_root, endpoint, tuple(values.items()))
    except TypeError:  # an unhashable argument
        return url_for(endpoint, **values)


def url_prefix(endpoint: str, argument: str) -> str:
    """The URL of `endpoint` without its last path argument ("/threads/" for threads.show): a
    listing appends each row's id or slug instead of building a URL for every row."""
    url = cached_url_for(endpoint, **{argument: 0})
    if not url.endswith("/0"):
        raise ValueError(f"{endpoint}'s {argument} is not the last part of its path")
    return url[:-1]


@lru_cache(maxsize=4096)
def _built_path(_script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


def init_app(app) -> None:
    """Templates build URLs with the cached url_for when `urls` is on, with Flask's own
    otherwise. url_prefix and the static files' links (forum.assets), a few a page, always take
    the cached one: a switch read on each call cost more than it saved."""
    cached = "urls" in app.config["FORUM_SPEEDUPS"]
    app.jinja_env.globals["url_for"] = cached_url_for if cached else url_for
    app.jinja_env.globals["url_prefix"] = url_prefix
