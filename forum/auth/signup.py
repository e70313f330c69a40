"""Registering with an address that is confirmed by following a link sent to it.

The form answers the same whether or not the address has an account: a new account gets the
link, the owner of an existing one is told that someone tried to register with it. Until the
link is followed, the account cannot sign in, and so sees what a signed-out reader sees.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.auth import tokens
from forum.auth.actions import _hash_password, normalise_email
from forum.auth.membership import join_by_address
from forum.auth.models import Membership, User
from forum.auth.tokens import InvalidToken
from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url

CONFIRM = "confirm_email"
CONFIRM_LIFETIME = timedelta(hours=48)
# A sign-in attempt by an unconfirmed account sends the link again, at most this often.
RESEND_AFTER = timedelta(minutes=10)

__all__ = ["InvalidToken", "confirm_email", "resend_confirmation", "sign_up"]


def _send_confirmation(user: User) -> None:
    tokens.mail_link(user, CONFIRM, CONFIRM_LIFETIME, "auth.confirm_email")


def _tell_owner(email: str) -> None:
    owner = db.session.scalar(select(User).where(User.email == email))
    if owner is not None and owner.active:
        queue_mail(
            "registration_attempt", to=owner.email, locale=owner.locale,
            name=owner.display_name, sign_in=site_url("auth.login"),
            reset=site_url("auth.forgot_password"),
        )  # fmt: skip


def sign_up(
    *, display_name: str, email: str, password: str, organisation_id: int, locale: str
) -> None:
    """A new unconfirmed account and the link to confirm it, or a word to the owner of the
    address; one transaction either way."""
    email = normalise_email(email)
    password_hash = _hash_password(password)  # both ways, so both take the same time
    begin_write()
    user = User(
        display_name=display_name.strip(), email=email, password_hash=password_hash,
        organisation_id=organisation_id, locale=locale, role="member",
        membership=Membership.PENDING,
    )  # fmt: skip
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        begin_write()
        _tell_owner(email)
    else:
        _send_confirmation(user)
    db.session.commit()


def resend_confirmation(user: User) -> None:
    """After a correct password from an unconfirmed account: the link again, not too often."""
    begin_write()
    if not tokens.issued_since(user, CONFIRM, utcnow() - RESEND_AFTER):
        _send_confirmation(user)
    db.session.commit()


def confirm_email(token: str) -> User:
    """Confirm the address; an organisation that vouches for its domain takes the account in,
    anyone else's membership waits for staff (forum.auth.membership)."""
    begin_write()
    user = tokens.use(token, CONFIRM)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        join_by_address(user)
    db.session.commit()
    return user
