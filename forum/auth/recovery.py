"""Account recovery: a single-use link by e-mail that expires in an hour.

The same answer whether or not the address has an account; using the link sets the new
password and ends every session of the account. An administrator can have a link sent to a
member (audited), and never sees or sets the password.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from forum.audit.actions import record
from forum.auth.actions import _hash_password, end_all_sessions, normalise_email
from forum.auth.models import AccountToken, User
from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url

RESET = "password_reset"
RESET_LIFETIME = timedelta(hours=1)


class InvalidToken(Exception):
    """Unknown, expired or already used."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_reset_link(user: User) -> None:
    """In the caller's write transaction: a new link replaces any earlier one."""
    db.session.execute(
        delete(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == RESET)
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AccountToken(user_id=user.id, purpose=RESET, token_hash=_digest(token), created_at=now,
                     expires_at=now + RESET_LIFETIME)
    )  # fmt: skip
    queue_mail(
        RESET, to=user.email, locale=user.locale, name=user.display_name,
        link=site_url("auth.reset_password", token=token),
    )  # fmt: skip


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


def valid_reset_token(token: str) -> AccountToken:
    """The unused, unexpired reset token, or InvalidToken."""
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _digest(token),
            AccountToken.purpose == RESET,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    if found is None:
        raise InvalidToken
    return found


def reset_password(token: str, *, new_password: str) -> User:
    """Set the password from a reset link and sign the account out everywhere."""
    begin_write()
    found = valid_reset_token(token)
    # Used once: of two requests with the same link, the second changes nothing.
    used = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        db.session.rollback()
        raise InvalidToken
    user = db.session.get(User, found.user_id)
    user.password_hash = _hash_password(new_password)
    end_all_sessions(user)
    db.session.commit()
    return user
