"""Account writes. Each takes the acting user explicitly and commits once."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, bindparam, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from forum.auth.models import SessionUser, User, UserSession
from forum.counters import update_row
from forum.database import add_unique, begin_write, utcnow
from forum.extensions import db
from forum.regions.models import Organisation

# Checked against when the email is unknown, so both failures take the same time.
_unknown_user_hashes: dict[str, str] = {}


def _hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _unknown_user_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _unknown_user_hashes:
        _unknown_user_hashes[method] = _hash_password(secrets.token_urlsafe(16))
    return _unknown_user_hashes[method]


class EmailTaken(Exception):
    """Another account has this email address."""


class WrongPassword(Exception):
    """The current password given does not match."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def register(
    *, display_name: str, email: str, password: str, organisation_id: int, locale: str
) -> User:
    begin_write()
    user = User(
        display_name=display_name.strip(),
        email=normalise_email(email),
        password_hash=_hash_password(password),
        organisation_id=organisation_id,
        locale=locale,
        role="member",
    )
    add_unique(user, EmailTaken)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None: the same answer for both misses."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_unknown_user_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def _add_session(user: User, *, remember: bool) -> str:
    lifetime = (
        current_app.config["REMEMBER_COOKIE_DURATION"]
        if remember
        else current_app.config["SESSION_LIFETIME"]
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(token=token, user_id=user.id, created_at=now, expires_at=now + lifetime)
    )
    update_row(User, user.id, last_seen_at=now)
    return token


def start_session(user: User, *, remember: bool) -> str:
    """Record a new signed-in session and return its token (what the cookies carry)."""
    begin_write()
    token = _add_session(user, remember=remember)
    db.session.commit()
    user.session_token = token
    return token


def end_session(token: str) -> None:
    begin_write()
    db.session.execute(delete(UserSession).where(UserSession.token == token))
    db.session.commit()


_accounts = User.__table__
_sessions = UserSession.__table__
# Every signed-in request runs this; built once, it is not rebuilt for each of them.
SESSION_USER = (
    select(
        _accounts.c.id,
        _accounts.c.display_name,
        _accounts.c.role,
        _accounts.c.locale,
        _accounts.c.organisation_id,
        _accounts.c.suspended_until,
        _accounts.c.created_at,
        _accounts.c.membership,
        _accounts.c.last_seen_at,
        _accounts.c.bell_count,
        _accounts.c.bell_counted_for,
        Organisation.__table__.c.region_id,
    )
    .join(_sessions, _sessions.c.user_id == _accounts.c.id)
    .join(Organisation.__table__, Organisation.__table__.c.id == _accounts.c.organisation_id)
    .where(
        _sessions.c.token == bindparam("token"),
        _sessions.c.expires_at > bindparam("now"),
        _accounts.c.active.is_(True),
    )
)


# How stale last_seen_at may grow before a request writes it again.
SEEN_EVERY = timedelta(minutes=15)


def load_session_user(token: str, statement: Select = SESSION_USER) -> SessionUser | None:
    """The active user of an unexpired session, or None. Notes the visit, once a SEEN_EVERY.

    statement: SESSION_USER, or it with more of the member's columns that every request asks
    (policy.identity.load_reader adds the training groups)."""
    now = utcnow()
    row = db.session.execute(statement, {"token": token, "now": now}).first()
    if row is None:
        return None
    if row.last_seen_at is None or row.last_seen_at < now - SEEN_EVERY:
        begin_write()
        update_row(User, row.id, last_seen_at=now)
        db.session.commit()
    return SessionUser(row, token)


def change_password(
    user: User, *, current_password: str, new_password: str, remember: bool = False
) -> str:
    """Set a new password, end every session of the user, and return a fresh one for this one."""
    if not check_password_hash(user.password_hash, current_password):
        raise WrongPassword
    begin_write()
    user.password_hash = _hash_password(new_password)
    end_all_sessions(user)
    token = _add_session(user, remember=remember)
    db.session.commit()
    user.session_token = token
    return token


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere, in the caller's transaction."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def deactivate(user: User) -> None:
    """Close an account: it can no longer sign in, and its open sessions end now."""
    begin_write()
    user.active = False
    end_all_sessions(user)
    db.session.commit()


def make_admin(user: User) -> None:
    """Give the administrator role: the first admin of a fresh install is made this way, by
    whoever runs the command on the server, so the address counts as confirmed."""
    begin_write()
    user.role = "admin"
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    begin_write()
    user.locale = locale
    db.session.commit()


def remove_expired_sessions(*, older_than: timedelta = timedelta(0)) -> int:
    begin_write()
    result = db.session.execute(
        delete(UserSession).where(UserSession.expires_at < utcnow() - older_than)
    )
    db.session.commit()
    return result.rowcount
