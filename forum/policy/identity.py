"""Who a user is, as the rules and filters ask it: signed in, holding staff powers, which
boards and regions they moderate, and which training groups they belong to."""

from sqlalchemy import String, bindparam, cast, func, select

from forum.auth.actions import SESSION_USER, load_session_user
from forum.auth.models import Membership, Role, SessionUser, User
from forum.boards.models import ModerationScope
from forum.extensions import db
from forum.groups.models import GroupMember, GroupMemberStatus


def unwrap(user):
    """The user object behind Flask-Login's current_user proxy: every attribute read through
    the proxy costs a context lookup, and one page asks hundreds of questions."""
    get = getattr(user, "_get_current_object", None)
    return get() if get is not None else user


def signed_in(user) -> bool:
    """Signed in as a member: an account whose membership staff (or its organisation's e-mail
    domain) have not yet let in reads as a signed-out visitor does."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.membership == Membership.APPROVED
    )


def holds_staff_powers(user) -> bool:
    """Staff powers end while their holder is suspended, and come back when it is lifted."""
    return signed_in(user) and not user.is_suspended


def is_admin(user) -> bool:
    return holds_staff_powers(user) and user.role == Role.ADMIN


def moderation_scope(user) -> tuple[frozenset[int], frozenset[int]]:
    """The boards and regions a moderator moderates (loaded once per request)."""
    if not holds_staff_powers(user) or user.role != Role.MODERATOR:
        return frozenset(), frozenset()
    cached = getattr(user, "_moderation_scope", None)
    if cached is None:
        rows = db.session.execute(
            select(ModerationScope.board_id, ModerationScope.region_id).where(
                ModerationScope.user_id == user.id
            )
        ).all()
        cached = (
            frozenset(row.board_id for row in rows if row.board_id is not None),
            frozenset(row.region_id for row in rows if row.region_id is not None),
        )
        _keep_for_the_request(user, "_moderation_scope", cached)
    return cached


def _keep_for_the_request(user, name: str, value) -> None:
    """Remember an answer on the request's SessionUser, which lives one request. An account's
    ORM object can outlive a change of its scope or groups in a long session (the job worker's
    batches), so its answers are asked afresh."""
    if isinstance(user, SessionUser):
        setattr(user, name, value)


# Built once: every signed-in request asks it, and building a statement cost more than running it.
_group_members = GroupMember.__table__
_JOINED_GROUPS = select(_group_members.c.group_id).where(
    _group_members.c.user_id == bindparam("user_id"),
    _group_members.c.status == GroupMemberStatus.JOINED,
)


# The groups as one column of the row that loads the member: asked on its own, it was one more
# round trip to the database on every signed-in request (a fifth of them on PostgreSQL).
_READER = SESSION_USER.add_columns(
    select(func.aggregate_strings(cast(_group_members.c.group_id, String), ","))
    .where(
        _group_members.c.user_id == User.__table__.c.id,
        _group_members.c.status == GroupMemberStatus.JOINED,
    )
    .scalar_subquery()
    .label("joined_groups")
)


def load_reader(token: str) -> SessionUser | None:
    """Flask-Login's user loader: the session's member, with the training groups they joined."""
    return load_session_user(token, _READER)


def training_groups(user) -> frozenset[int]:
    """The training groups a member has joined (loaded once per request); an invitation not
    yet accepted opens nothing."""
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, "_training_groups", None)
    if cached is None:
        cached = frozenset(db.session.scalars(_JOINED_GROUPS, {"user_id": user.id}))
        _keep_for_the_request(user, "_training_groups", cached)
    return cached


def may_write(user) -> bool:
    """Signed in, and not suspended: a suspended member can read but not post or flag."""
    return signed_in(user) and not user.is_suspended
