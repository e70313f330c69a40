"""Membership staff can vouch for. A confirmed address on an e-mail domain an organisation
vouches for joins that organisation; anyone else waits for an administrator or a moderator of
the organisation's region to approve or refuse (with a reason, audited, the person told by
e-mail). Until approved, the account sees what a signed-out visitor sees."""

from sqlalchemy import select

from forum import policy
from forum.audit.actions import record
from forum.auth.models import Membership, User
from forum.database import begin_write
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url
from forum.policy import NotAllowed
from forum.regions.models import Organisation


class AlreadyDecided(Exception):
    """Another member of staff decided first."""


def join_by_address(user: User) -> bool:
    """In the caller's write transaction, when the address is confirmed: True when an
    organisation vouches for its domain, which the account then joins."""
    for organisation in db.session.scalars(select(Organisation)):
        if organisation.vouches_for(user.email):
            user.organisation_id, user.membership = organisation.id, Membership.APPROVED
            return True
    user.membership = Membership.PENDING
    return False


def decide(member: User, *, by: User, approve: bool, reason: str = "") -> None:
    """Approve or refuse a membership request; the person is told in their language."""
    begin_write()
    if not policy.can(by, "member.approve", member):
        db.session.rollback()
        raise NotAllowed
    if member.membership != Membership.PENDING:
        db.session.rollback()
        raise AlreadyDecided
    member.membership = Membership.APPROVED if approve else Membership.REFUSED
    record(by, "member.approve" if approve else "member.refuse", member, reason=reason)
    queue_mail(
        "membership_approved" if approve else "membership_refused",
        to=member.email, locale=member.locale, name=member.display_name,
        organisation=member.organisation.name, reason=reason.strip(),
        link=site_url("boards.index"),
    )  # fmt: skip
    db.session.commit()
