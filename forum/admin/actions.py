"""Administrative writes. Each takes the acting admin, records what changed, and commits once."""

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from forum.audit.actions import describe_changes, record
from forum.auth.actions import end_all_sessions
from forum.auth.models import User
from forum.boards.models import Board, ModerationScope
from forum.database import add_unique, begin_write
from forum.extensions import db
from forum.notifications import bell


class Conflict(Exception):
    """A name or address name that must be unique is taken."""


class SelfLockout(Exception):
    """An admin tried to take away their own admin role or account."""


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict from None


def create(model, values: dict, *, by: User):
    """Create a region, organisation or board from form values."""
    begin_write()
    obj = model(**values)
    add_unique(obj, Conflict)
    details = "\n".join(f"{field}: {value!r}" for field, value in values.items())
    record(by, f"{model.__tablename__}.create", obj, details=details)
    _commit_or_conflict()
    return obj


def update(obj, values: dict, *, by: User) -> None:
    """Change a region, organisation or board; only real changes are recorded."""
    begin_write()
    details = describe_changes(obj, values)
    if details:
        record(by, f"{obj.__tablename__}.update", obj, details=details)
        if isinstance(obj, Board):  # who may read its threads, and so their news, may change
            bell.recount_soon_for_everyone()
    _commit_or_conflict()


def update_member(
    member: User,
    *,
    by: User,
    role: str,
    organisation_id: int,
    active: bool,
    board_ids: set[int],
    region_ids: set[int],
) -> None:
    """Set a member's role, organisation, moderation scopes and whether the account is open."""
    if member.id == by.id and (role != "admin" or not active):
        raise SelfLockout
    begin_write()
    deactivating = member.active and not active
    details = describe_changes(
        member, {"role": role, "organisation_id": organisation_id, "active": active}
    )
    if role != "moderator":
        board_ids, region_ids = set(), set()
    current = db.session.execute(
        ModerationScope.__table__.select().where(ModerationScope.user_id == member.id)
    ).all()
    old_boards = {row.board_id for row in current if row.board_id is not None}
    old_regions = {row.region_id for row in current if row.region_id is not None}
    if (old_boards, old_regions) != (board_ids, region_ids):
        db.session.execute(delete(ModerationScope).where(ModerationScope.user_id == member.id))
        db.session.add_all(
            [ModerationScope(user_id=member.id, board_id=board) for board in sorted(board_ids)]
            + [
                ModerationScope(user_id=member.id, region_id=region)
                for region in sorted(region_ids)
            ]
        )
        details = "\n".join(
            filter(
                None,
                [
                    details,
                    f"moderated boards: {sorted(old_boards)} → {sorted(board_ids)}",
                    f"moderated regions: {sorted(old_regions)} → {sorted(region_ids)}",
                ],
            )
        )
    if not active:
        end_all_sessions(member)
    if details:
        record(by, "member.deactivate" if deactivating else "member.update", member,
               details=details)  # fmt: skip
    db.session.commit()
