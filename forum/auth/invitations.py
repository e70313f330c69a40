"""Staff invite people by e-mail to an organisation. Following the link opens an account there:
the address is confirmed by the link itself and the membership approved by whoever invited.

An administrator or a moderator of the organisation's region invites (member.invite); a new
invitation to the same address replaces the earlier one, and staff can withdraw an invitation
sent to a wrong address before it is used. The link works once, for two weeks.
"""

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from forum import policy
from forum.audit.actions import record
from forum.auth.actions import _hash_password, normalise_email
from forum.auth.models import Invitation, Membership, Role, User
from forum.auth.tokens import InvalidToken, digest
from forum.database import add_unique, begin_write, utcnow
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url
from forum.policy import NotAllowed
from forum.regions.models import Organisation

INVITATION_LIFETIME = timedelta(days=14)

__all__ = ["AddressTaken", "InvalidToken", "NotAllowed", "accept", "invite", "valid", "withdraw"]


class AddressTaken(Exception):
    """An account has the address already: that person needs no invitation."""


def _has_account(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def invite(*, email: str, organisation: Organisation, locale: str, by: User) -> Invitation:
    """Send an invitation in `locale`, replacing any earlier one to the same address; audited."""
    if not policy.can(by, "member.invite", organisation):
        raise NotAllowed
    email = normalise_email(email)
    begin_write()
    if _has_account(email):
        db.session.rollback()
        raise AddressTaken
    db.session.execute(
        delete(Invitation).where(Invitation.email == email, Invitation.accepted_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(
        email=email, organisation_id=organisation.id, invited_by_id=by.id, locale=locale,
        token_hash=digest(token), created_at=now, expires_at=now + INVITATION_LIFETIME,
    )  # fmt: skip
    db.session.add(invitation)
    db.session.flush()
    record(by, "member.invite", invitation, details=organisation.name)
    queue_mail(
        "invitation", to=email, locale=locale, name="", inviter=by.display_name,
        organisation=organisation.name, link=site_url("auth.accept_invitation", token=token),
    )  # fmt: skip
    db.session.commit()
    return invitation


def withdraw(invitation: Invitation, *, by: User) -> None:
    """Make an unused invitation's link stop working; audited."""
    if not policy.can(by, "member.invite", invitation.organisation):
        raise NotAllowed
    begin_write()
    record(by, "member.invitation_withdraw", invitation, details=invitation.organisation.name)
    db.session.execute(
        delete(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
    )
    db.session.commit()


def valid(token: str) -> Invitation:
    """The unused, unexpired invitation of this link, or InvalidToken."""
    found = db.session.scalar(
        select(Invitation).where(
            Invitation.token_hash == digest(token),
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    if found is None:
        raise InvalidToken
    return found


def accept(token: str, *, display_name: str, password: str, locale: str) -> User:
    """Open the invited account: its address confirmed, its membership approved. Of two
    requests with the same link, the second raises InvalidToken."""
    password_hash = _hash_password(password)
    begin_write()
    try:
        invitation = valid(token)
    except InvalidToken:
        db.session.rollback()
        raise
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise InvalidToken
    user = User(
        display_name=display_name.strip(), email=invitation.email, password_hash=password_hash,
        organisation_id=invitation.organisation_id, locale=locale, role=Role.MEMBER,
        membership=Membership.APPROVED, email_confirmed_at=now,
    )  # fmt: skip
    add_unique(user, AddressTaken)
    db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id).values(account_id=user.id)
    )
    db.session.commit()
    return user
