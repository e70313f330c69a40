"""Single-use links sent by e-mail: a random token in the link, only its hash stored, so a
copy of the database signs nobody in and confirms nothing."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from forum.auth.models import AccountToken, User
from forum.database import utcnow
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url


class InvalidToken(Exception):
    """Unknown, expired or already used."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str, lifetime: timedelta) -> str:
    """A new token for `purpose`, in the caller's write transaction; it replaces the user's
    earlier ones for the same purpose."""
    db.session.execute(
        delete(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose)
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AccountToken(user_id=user.id, purpose=purpose, token_hash=_digest(token), created_at=now,
                     expires_at=now + lifetime)
    )  # fmt: skip
    return token


def mail_link(user: User, purpose: str, lifetime: timedelta, endpoint: str) -> None:
    """Issue a token and mail its link to the user in their language, in the caller's write
    transaction: templates mail/<purpose>.subject.txt, .txt and .html."""
    token = issue(user, purpose, lifetime)
    queue_mail(
        purpose, to=user.email, locale=user.locale, name=user.display_name,
        link=site_url(endpoint, token=token),
    )  # fmt: skip


def valid(token: str, purpose: str) -> AccountToken:
    """The unused, unexpired token for `purpose`, or InvalidToken."""
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _digest(token),
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    if found is None:
        raise InvalidToken
    return found


def use(token: str, purpose: str) -> User:
    """Spend the token in the caller's write transaction and return its user. Of two requests
    with the same link, the second raises InvalidToken; the transaction is rolled back then."""
    try:
        found = valid(token, purpose)
    except InvalidToken:
        db.session.rollback()
        raise
    used = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        db.session.rollback()
        raise InvalidToken
    return db.session.get(User, found.user_id)


def issued_since(user: User, purpose: str, since) -> bool:
    return (
        db.session.scalar(
            select(AccountToken.id).where(
                AccountToken.user_id == user.id,
                AccountToken.purpose == purpose,
                AccountToken.created_at > since,
            )
        )
        is not None
    )
