"""Configuration: safe defaults for the embedded demo, overridden from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from forum import speedups

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LOCALES = ("fi", "sv", "en")
DEFAULT_LOCALE = "fi"


def normalise_database_url(url: str) -> str:
    """Point plain postgres:// URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _secret_key(instance_path: Path, *, development: bool) -> str | None:
    """SECRET_KEY from the environment; for the development server only, a key generated once
    into instance/. In production a missing key is refused at start (forum.check_safe_to_serve):
    a key of one host's own would sign sessions that no other host accepts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not development:
        return None
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def jobs_url() -> str:
    """The job worker's queue (huey): a SQLite file of its own by default, Redis
    (redis://host:6379/1) in production, memory:// for the tests."""
    default = f"sqlite:///{PROJECT_ROOT / 'instance' / 'jobs.sqlite3'}"
    return os.environ.get("FORUM_JOBS_URL", default)


# SQLAlchemy's engine options. No pre-ping: a SQLite file has no connection to drop, and on
# PostgreSQL the BEGIN a connection is given as it leaves the pool finds one that a restart
# dropped (forum.database._configure_postgresql).
ENGINE_OPTIONS = {
    # Parameters hidden from SQLAlchemy's error messages, which reach the logs: they are posts'
    # texts and members' addresses.
    "hide_parameters": True,
}


def build_config(instance_path: Path) -> dict:
    # Set by `make run` alone: the development server on this machine, over plain HTTP.
    # Everything else is production, whatever its database.
    development = env_flag("FORUM_DEVELOPMENT", False)
    database_url = os.environ.get("DATABASE_URL")
    if database_url is None:
        database_url = f"sqlite:///{instance_path / 'forum.sqlite3'}"
    secure_cookies = not development
    return {
        "DEVELOPMENT": development,
        "SECRET_KEY": _secret_key(instance_path, development=development),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        # A session that was not remembered ends on the server after this long.
        "SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        # Werkzeug's scrypt (n=2**15, r=8, p=1); tests switch to a cheap method for speed.
        "PASSWORD_HASH_METHOD": "scrypt",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # Shared by every process with Redis (redis://host:6379/0), which production requires;
        # in memory for the development server, its only process.
        "RATELIMIT_STORAGE_URI": os.environ.get("FORUM_RATELIMIT_STORAGE_URI", "memory://"),
        # How many reverse proxies in front of the app set X-Forwarded-For and -Proto: the
        # client's address is the one the outermost of them saw. 0 trusts no such header.
        "TRUSTED_PROXIES": int(os.environ.get("FORUM_TRUSTED_PROXIES", "0")),
        # The speed-ups in use (forum.speedups): all unless a benchmark or a test says less.
        "FORUM_SPEEDUPS": speedups.from_setting(os.environ.get("FORUM_SPEEDUPS", "all")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: each process counts the limits in its own memory until it is back, and
        # no request fails for it (docs/deployment.md, "What happens when a part fails").
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_ENABLED": env_flag("FORUM_RATELIMIT_ENABLED", True),
        # Where links in e-mail point: the site's own address, never a request's Host.
        "FORUM_BASE_URL": os.environ.get(
            "FORUM_BASE_URL", "http://127.0.0.1:5000" if development else ""
        ),
        # The privacy notice: whom to write to about one's data (empty: the staff, on the
        # forum), and how long the operator keeps backups (docs/deployment.md).
        "FORUM_PRIVACY_CONTACT": os.environ.get("FORUM_PRIVACY_CONTACT", ""),
        "FORUM_BACKUPS_KEPT_DAYS": int(os.environ.get("FORUM_BACKUPS_KEPT_DAYS", "30")),
        # Logs: JSON lines (forum.logs) unless the development server's terminal reads them.
        "FORUM_LOG_JSON": env_flag("FORUM_LOG_JSON", not development),
        "FORUM_LOG_LEVEL": os.environ.get("FORUM_LOG_LEVEL", "INFO"),
        # /metrics answers a scraper that sends this as its bearer token; unset, no one.
        "FORUM_METRICS_TOKEN": os.environ.get("FORUM_METRICS_TOKEN", ""),
        # /readyz: a worker whose last heartbeat is older than this is taken as stopped.
        "FORUM_WORKER_SILENCE_LIMIT": timedelta(
            seconds=int(os.environ.get("FORUM_WORKER_SILENCE_LIMIT", "300"))
        ),
        # SMTP (Flask-Mail); without MAIL_SERVER, mail is written to instance/mail/ as .eml.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env_flag("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": env_flag("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        # Sent for real in tests too (Flask-Mail would suppress sending when TESTING is on):
        # the tests receive it on a loopback SMTP server.
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Työkykykoordinaattorien foorumi <foorumi@example.fi>"
        ),
        "THREADS_PER_PAGE": 25,
        "BRANCHES_PER_PAGE": 10,
        # A thread page shows the first posts of each of its branches, in reading order; the
        # rest of a longer branch is on the branch's own page. Bounds a page at 10 x 5 + 1 posts.
        "POSTS_PER_BRANCH": 5,
        # Replies deeper than this below the page's top post continue on a branch page.
        "INLINE_DEPTH": 6,
    }
