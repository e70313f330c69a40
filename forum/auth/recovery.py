"""Account recovery: a single-use link by e-mail that expires in an hour.

The same answer whether or not the address has an account; using the link sets the new
password and ends every session of the account. An administrator can have a link sent to a
member (audited), and never sees or sets the password.
"""

from datetime import timedelta

from sqlalchemy import select

from forum.audit.actions import record
from forum.auth import tokens
from forum.auth.actions import _hash_password, end_all_sessions, normalise_email
from forum.auth.models import User
from forum.auth.tokens import InvalidToken
from forum.database import begin_write, utcnow
from forum.extensions import db

RESET = "password_reset"
RESET_LIFETIME = timedelta(hours=1)

__all__ = ["InvalidToken", "request_password_reset", "reset_password", "send_reset_link",
           "valid_reset_token"]  # fmt: skip


def _send_reset_link(user: User) -> None:
    tokens.mail_link(user, RESET, RESET_LIFETIME, "auth.reset_password")


def request_password_reset(email: str) -> None:
    """Send a reset link if an active account has this address; nothing tells which."""
    begin_write()
    user = db.session.scalar(
        select(User).where(User.email == normalise_email(email), User.active.is_(True))
    )
    if user is not None:
        _send_reset_link(user)
    db.session.commit()


def send_reset_link(member: User, *, by: User) -> None:
    """An administrator has a reset link sent to a member."""
    begin_write()
    _send_reset_link(member)
    record(by, "member.reset_link", member)
    db.session.commit()


def valid_reset_token(token: str):
    return tokens.valid(token, RESET)


def reset_password(token: str, *, new_password: str) -> User:
    """Set the password from a reset link and sign the account out everywhere. Following the
    link also shows the address works: an unconfirmed one counts as confirmed."""
    begin_write()
    user = tokens.use(token, RESET)
    user.password_hash = _hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    end_all_sessions(user)
    db.session.commit()
    return user
