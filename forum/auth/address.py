"""Changing the account's e-mail address: the password first, then a link sent to the new
address; the account moves to it only when that link is followed, and the old address is told,
with a link that undoes the change and sets a new password, for a week: someone who learnt the
password cannot take the account away from its owner's mailbox.

The answer is the same whether or not the new address already has an account (its owner is
told instead), so the form finds no one's address. Links sent to the old address (a password
reset) stop working when the account leaves it.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from forum.audit.actions import record
from forum.auth import tokens
from forum.auth.actions import WrongPassword, _hash_password, end_all_sessions, normalise_email
from forum.auth.membership import join_by_address
from forum.auth.models import Membership, User
from forum.auth.recovery import RESET
from forum.auth.tokens import InvalidToken
from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url

CHANGE = "confirm_new_address"
CHANGE_LIFETIME = timedelta(hours=48)
UNDO = "undo_address_change"
UNDO_LIFETIME = timedelta(days=7)

__all__ = ["AddressTaken", "InvalidToken", "SameAddress", "WrongPassword", "confirm_change",
           "request_change", "undo_change", "valid_undo_token"]  # fmt: skip


class SameAddress(Exception):
    """The new address is the one the account has."""


class AddressTaken(Exception):
    """Another account took the address between the request and the confirmation."""


def request_change(user: User, *, password: str, new_email: str) -> None:
    """After the password: a link to the new address, or a word to its owner when another
    account has it. The account keeps its address until the link is followed."""
    if not check_password_hash(user.password_hash, password):
        raise WrongPassword
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise SameAddress
    begin_write()
    owner = db.session.scalar(select(User).where(User.email == new_email))
    if owner is None:
        tokens.mail_link(user, CHANGE, CHANGE_LIFETIME, "auth.confirm_new_address",
                         new_email=new_email)  # fmt: skip
    else:
        tokens.withdraw(user, CHANGE)
        queue_mail(
            "address_in_use", to=owner.email, locale=owner.locale, name=owner.display_name,
            sign_in=site_url("auth.login"), reset=site_url("auth.forgot_password"),
        )  # fmt: skip
    db.session.commit()


def confirm_change(token: str) -> User:
    """Move the account to the address the link was sent to. The old address is told, with a
    link that undoes the change; its password-reset links are withdrawn. A pending account on
    a vouched-for domain joins that organisation."""
    begin_write()
    spent = tokens.spend(token, CHANGE)
    user = db.session.get(User, spent.user_id)
    old_email = user.email
    _move(user, spent.new_email)
    tokens.withdraw(user, RESET)
    if user.membership == Membership.PENDING:
        join_by_address(user)
    record(user, "account.email_change", user)
    # Each address the account left keeps its own way back: a second change does not
    # withdraw the first one's.
    undo = tokens.issue(user, UNDO, UNDO_LIFETIME, new_email=old_email, replace=False)
    queue_mail(
        "address_changed", to=old_email, locale=user.locale, name=user.display_name,
        new_email=user.email, undo=site_url("auth.undo_address_change", token=undo),
    )  # fmt: skip
    db.session.commit()
    return user


def valid_undo_token(token: str):
    return tokens.valid(token, UNDO)


def undo_change(token: str, *, new_password: str) -> User:
    """Return the account to the address it left, with a new password (whoever changed the
    address may know the old one): every sign-in ends, and links sent to other addresses stop
    working."""
    begin_write()
    spent = tokens.spend(token, UNDO)
    user = db.session.get(User, spent.user_id)
    _move(user, spent.new_email)
    user.password_hash = _hash_password(new_password)
    tokens.withdraw(user, CHANGE, RESET, UNDO)
    end_all_sessions(user)
    record(user, "account.email_restore", user)
    db.session.commit()
    return user


def _move(user: User, email: str) -> None:
    user.email, user.email_confirmed_at = email, utcnow()
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AddressTaken from None
