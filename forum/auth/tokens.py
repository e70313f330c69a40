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


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def withdraw(user: User, *purposes: str) -> None:
    """Make the user's links for these purposes unusable, in the caller's write transaction."""
    db.session.execute(
        delete(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose.in_(purposes)
        )
    )


def issue(
    user: User,
    purpose: str,
    lifetime: timedelta,
    *,
    new_email: str | None = None,
    replace: bool = True,
) -> str:
    """A new token for `purpose`, in the caller's write transaction; it replaces the user's
    earlier ones for the same purpose unless `replace` is false. `new_email`: the address an
    address change waits on."""
    if replace:
        withdraw(user, purpose)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AccountToken(user_id=user.id, purpose=purpose, token_hash=digest(token), created_at=now,
                     expires_at=now + lifetime, new_email=new_email)
    )  # fmt: skip
    return token


def mail_link(
    user: User, purpose: str, lifetime: timedelta, endpoint: str, *, new_email: str | None = None
) -> None:
    """Issue a token and mail its link in the user's language, in the caller's write
    transaction: to the address it confirms (`new_email`, else the account's). Templates
    mail/<purpose>.subject.txt, .txt and .html."""
    token = issue(user, purpose, lifetime, new_email=new_email)
    queue_mail(
        purpose, to=new_email or user.email, locale=user.locale, name=user.display_name,
        link=site_url(endpoint, token=token),
    )  # fmt: skip


def valid(token: str, purpose: str) -> AccountToken:
    """The unused, unexpired token for `purpose`, or InvalidToken."""
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == digest(token),
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
    return db.session.get(User, spend(token, purpose).user_id)


def spend(token: str, purpose: str) -> AccountToken:
    """use(), returning the token row itself (an address change reads its new_email)."""
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
    return found


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
