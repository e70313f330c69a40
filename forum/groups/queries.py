"""Reads of training groups that the member's and the staff's pages share."""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from forum.auth.models import User
from forum.extensions import db
from forum.groups.models import GroupMember, GroupMemberStatus, TrainingGroup


def memberships_of(user) -> list[GroupMember]:
    """The member's groups and invitations, joined ones first, each with its group loaded."""
    return db.session.scalars(
        select(GroupMember)
        .join(GroupMember.group)
        .options(contains_eager(GroupMember.group))
        .where(GroupMember.user_id == user.id)
        .order_by(GroupMember.status.desc(), TrainingGroup.position, TrainingGroup.id)
    ).all()


def members_of(group: TrainingGroup) -> list[GroupMember]:
    """Everyone in or invited to the group, with their accounts, by name."""
    return db.session.scalars(
        select(GroupMember)
        .join(User, User.id == GroupMember.user_id)
        .options(contains_eager(GroupMember.user))
        .where(GroupMember.group_id == group.id)
        .order_by(User.display_name, User.id)
    ).all()


def member_counts() -> dict[int, tuple[int, int]]:
    """For each group id: (joined, invited)."""
    counts: dict[int, list[int]] = {}
    for group_id, status, counted in db.session.execute(
        select(GroupMember.group_id, GroupMember.status, func.count()).group_by(
            GroupMember.group_id, GroupMember.status
        )
    ):
        counts.setdefault(group_id, [0, 0])[status == GroupMemberStatus.INVITED] = counted
    return {group_id: (joined, invited) for group_id, (joined, invited) in counts.items()}
