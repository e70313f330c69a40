"""Writes of training groups: staff invite and remove, a member accepts, declines or leaves.

Joining or leaving changes which boards a member reads; the bell needs no call for it, as the
member becomes another kind of reader (policy.Viewer names their groups)."""

from sqlalchemy import delete, select

from forum.audit.actions import record
from forum.auth.models import Membership, User
from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.groups.models import GroupMember, GroupMemberStatus, TrainingGroup
from forum.mail.actions import queue_mail, site_url


class AlreadyInGroup(Exception):
    """The member is in the group already, or invited to it."""


class NotInvited(Exception):
    """There is no invitation (any more) to accept or decline."""


class NotAMember(Exception):
    """Only an approved, active member of the forum can be invited to a group."""


def invite(group: TrainingGroup, member: User, *, by: User) -> GroupMember:
    """Invite a member to the group and tell them by e-mail; they join when they accept."""
    begin_write()
    if not member.active or member.erased_at or member.membership != Membership.APPROVED:
        db.session.rollback()
        raise NotAMember
    if db.session.get(GroupMember, (group.id, member.id)) is not None:
        db.session.rollback()
        raise AlreadyInGroup
    invitation = GroupMember(group_id=group.id, user_id=member.id, invited_by_id=by.id,
                             status=GroupMemberStatus.INVITED, invited_at=utcnow())  # fmt: skip
    db.session.add(invitation)
    record(by, "group.invite", member, details=f"group: {group.slug}")
    queue_mail(
        "group_invitation", to=member.email, locale=member.locale, name=member.display_name,
        group=group, link=site_url("groups.mine"),
    )  # fmt: skip
    db.session.commit()
    return invitation


def _own_invitation(group: TrainingGroup, member) -> GroupMember:
    row = db.session.scalar(
        select(GroupMember)
        .where(GroupMember.group_id == group.id, GroupMember.user_id == member.id)
        .with_for_update()
    )
    if row is None or row.status != GroupMemberStatus.INVITED:
        db.session.rollback()
        raise NotInvited
    return row


def accept(group: TrainingGroup, *, by) -> None:
    """The invited member joins the group: its boards open to them."""
    begin_write()
    row = _own_invitation(group, by)
    row.status = GroupMemberStatus.JOINED
    row.joined_at = utcnow()
    db.session.commit()


def decline(group: TrainingGroup, *, by) -> None:
    begin_write()
    db.session.delete(_own_invitation(group, by))
    db.session.commit()


def leave(group: TrainingGroup, *, by) -> None:
    """The member leaves the group (or was never in it: nothing changes)."""
    begin_write()
    db.session.execute(
        delete(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == by.id)
    )
    db.session.commit()


def remove(group: TrainingGroup, member: User, *, by: User) -> None:
    """Staff take a member out of the group, or withdraw the invitation; audited."""
    begin_write()
    removed = db.session.execute(
        delete(GroupMember).where(GroupMember.group_id == group.id,
                                  GroupMember.user_id == member.id)
    ).rowcount  # fmt: skip
    if removed:
        record(by, "group.remove", member, details=f"group: {group.slug}")
    db.session.commit()
