"""The rules: can(user, "thread.reply", thread) and the named actions it knows. An unknown
action raises, so a typo fails closed. require() answers 403, logs the refusal and, for a staff
action, has it audited. ThreadPermissions answers the same rules for every post of a page."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from blinker import Namespace
from flask import abort
from sqlalchemy import select

from forum.auth.models import Role, User
from forum.boards.models import Board, BoardVisibility
from forum.database import utcnow
from forum.extensions import db
from forum.policy.filters import _boards, _moderation_clause, _posts, _threads, viewer
from forum.policy.identity import (
    holds_staff_powers,
    is_admin,
    may_write,
    moderation_scope,
    signed_in,
    training_groups,
    unwrap,
)
from forum.regions.models import Organisation
from forum.threads.models import Post, PostStatus, Thread


class NotAllowed(Exception):
    """The acting user may not do this (any more: a board archived or a thread locked since)."""


def _moderates(user, board: Board) -> bool:
    if is_admin(user):
        return True
    boards, regions = moderation_scope(user)
    return board.id in boards or (board.region_id is not None and board.region_id in regions)


def _in_region(user, board: Board) -> bool:
    return board.region_id is not None and board.region_id == user.region_id


def _in_scope(user, scope: str, region_id: int | None, group_id: int | None) -> bool:
    """Is the user in one of BoardVisibility's scopes (a board's readers, an event's
    audience)? As policy.filters._scope_clause has it."""
    if scope == BoardVisibility.PUBLIC:
        return True
    if not signed_in(user):
        return False
    if scope == BoardVisibility.MEMBERS or is_admin(user):
        return True
    if scope == BoardVisibility.GROUP:
        return group_id in training_groups(user)
    return region_id is not None and (
        region_id == user.region_id or region_id in moderation_scope(user)[1]
    )


def _may_read_board(user, board: Board) -> bool:
    """The board's scope, and its own moderators."""
    if _in_scope(user, board.visibility, board.region_id, board.group_id):
        return True
    return signed_in(user) and _moderates(user, board)


def _may_write_in_board(user, board: Board) -> bool:
    """Posting follows the board's scope: a regional board takes posts from its region."""
    if not may_write(user) or board.archived or not _may_read_board(user, board):
        return False
    return board.region_id is None or _in_region(user, board) or _moderates(user, board)


def _may_moderate(user, board: Board) -> bool:
    return signed_in(user) and _moderates(user, board)


def _may_see_thread(user, thread: Thread) -> bool:
    if not _may_read_board(user, thread.board):
        return False
    return not thread.removed or _may_moderate(user, thread.board)


def _may_reply(user, thread: Thread) -> bool:
    return (
        not thread.locked
        and _may_see_thread(user, thread)
        and _may_write_in_board(user, thread.board)
    )


def _is_author(user, post: Post) -> bool:
    return signed_in(user) and post.author_id == user.id


def _may_read_post(user, post: Post) -> bool:
    """May the user read this post's text (rather than a placeholder)?"""
    if not _may_see_thread(user, post.thread):
        return False
    if post.is_visible or _may_moderate(user, post.thread.board):
        return True
    # Authors see their hidden posts, and why they were hidden.
    return post.status != PostStatus.DELETED and _is_author(user, post)


def _may_reply_to_post(user, post: Post) -> bool:
    return _may_reply(user, post.thread) and (
        post.is_visible or _may_moderate(user, post.thread.board)
    )


def _may_flag(user, post: Post) -> bool:
    return (
        may_write(user)
        and post.is_visible
        and not _is_author(user, post)
        and _may_see_thread(user, post.thread)
    )


def _may_edit(user, post: Post) -> bool:
    if _may_moderate(user, post.thread.board):
        return True
    return (
        _is_author(user, post)
        and may_write(user)
        and post.status != PostStatus.DELETED
        and not post.thread.locked
        and not post.thread.board.archived
        and _may_see_thread(user, post.thread)
    )


def _may_delete_own(user, post: Post) -> bool:
    """An author deletes their own message (it stays as a placeholder), even in a locked
    thread: taking back what one wrote is not writing."""
    return (
        post.status != PostStatus.DELETED
        and _is_author(user, post)
        and may_write(user)
        and _may_see_thread(user, post.thread)
    )


def _may_delete(user, post: Post) -> bool:
    if post.status == PostStatus.DELETED:
        return False
    return _may_moderate(user, post.thread.board) or _may_delete_own(user, post)


def _moderates_post(user, post: Post) -> bool:
    return _may_moderate(user, post.thread.board)


def _moderates_thread(user, thread: Thread) -> bool:
    return _may_moderate(user, thread.board)


def _may_tag(user, thread: Thread) -> bool:
    """Authors and moderators change a thread's tags."""
    if _may_moderate(user, thread.board):
        return True
    return (
        signed_in(user)
        and thread.author_id == user.id
        and _may_write_in_board(user, thread.board)
        and _may_see_thread(user, thread)
    )


def _may_adopt(user, practice) -> bool:
    """Another organisation than the practice's own, whose member can read the thread."""
    return (
        may_write(user)
        and user.organisation_id != practice.organisation_id
        and _may_see_thread(user, practice.thread)
    )


def _may_describe_organisation(user, organisation) -> bool:
    """Its own coordinators, and administrators."""
    return may_write(user) and (user.organisation_id == organisation.id or is_admin(user))


def _oversees(user, organisation: Organisation) -> bool:
    """Programme staff of the organisation: admins, and moderators of its region."""
    return is_admin(user) or organisation.region_id in moderation_scope(user)[1]


def _may_read_assessment(user, assessment) -> bool:
    """Its organisation's members and programme staff; every member once it is shared."""
    if not signed_in(user):
        return False
    if assessment.shared_with_members or user.organisation_id == assessment.organisation_id:
        return True
    return holds_staff_powers(user) and _oversees(user, assessment.organisation)


def _may_assess(user, organisation) -> bool:
    """The organisation's own coordinators write its assessment, and share it."""
    return may_write(user) and user.organisation_id == organisation.id


def _may_see_event(user, event) -> bool:
    """An event's audience is one of a board's scopes."""
    return _in_scope(user, event.audience, event.region_id, event.group_id)


def _may_register(user, event) -> bool:
    return (
        may_write(user)
        and not event.cancelled
        and event.ends_at > utcnow()
        and _may_see_event(user, event)
    )


def _may_manage_event(user, event) -> bool:
    """Admins; moderators for the events of the regions they moderate (not national ones, nor
    a training group's)."""
    if is_admin(user):
        return True
    return (
        event.region_id is not None
        and event.audience != BoardVisibility.GROUP
        and event.region_id in moderation_scope(user)[1]
    )


def _may_review(user, _obj=None) -> bool:
    """Admins, and moderators with at least one board or region, have a review queue."""
    return is_admin(user) or any(moderation_scope(user))


def _may_suspend(user, member: User) -> bool:
    """Admins suspend anyone but admins; a moderator suspends only members (never staff) of a
    region they moderate, or who wrote in a board they moderate."""
    if not _may_suspend_someone(user, member.id, member.role):
        return False
    if is_admin(user):
        return True
    boards, regions = moderation_scope(user)
    if member.region_id in regions:
        return True
    wrote_in_scope = (
        select(_posts.c.id)
        .select_from(_posts.join(_threads, _threads.c.id == _posts.c.thread_id))
        .join(_boards, _boards.c.id == _threads.c.board_id)
        .where(_posts.c.author_id == member.id, _moderation_clause(viewer(user)))
        .limit(1)
    )
    return db.session.scalar(wrote_in_scope) is not None


def _may_suspend_someone(user, member_id: int, member_role: str) -> bool:
    """What member.suspend asks before the member's region and posts: staff may be suspended
    by admins only, and nobody suspends themselves."""
    if not _may_review(user) or member_id == user.id or member_role == Role.ADMIN:
        return False
    return member_role == Role.MEMBER or is_admin(user)


def _may_decide_membership(user, member: User) -> bool:
    """Admins, and moderators of the region of the organisation the person asked to join."""
    if not _may_review(user) or member.id == user.id:
        return False
    return is_admin(user) or member.organisation.region_id in moderation_scope(user)[1]


def _may_invite(user, organisation: Organisation) -> bool:
    """Admins, and moderators of the organisation's region."""
    if not _may_review(user):
        return False
    return is_admin(user) or organisation.region_id in moderation_scope(user)[1]


def _may_administer(user, _obj=None) -> bool:
    return is_admin(user)


_RULES: dict[str, Callable[[User, object], bool]] = {
    "board.view": _may_read_board,
    "board.moderate": _may_moderate,
    "thread.start": _may_write_in_board,
    "thread.view": _may_see_thread,
    "thread.reply": _may_reply,
    "thread.lock": _moderates_thread,
    "thread.pin": _moderates_thread,
    "thread.move": _moderates_thread,
    "thread.tag": _may_tag,
    "thread.curate": _moderates_thread,
    "practice.adopt": _may_adopt,
    # Organisation pages are for members, as profiles are.
    "organisation.view": lambda user, _organisation=None: signed_in(user),
    "organisation.describe": _may_describe_organisation,
    "assessment.view": _may_read_assessment,
    "assessment.write": _may_assess,
    # Goals are the programme's shared learning: every member reads them; the organisation's
    # own coordinators set them and tell their progress.
    "goal.view": lambda user, _goal=None: signed_in(user),
    "goal.write": _may_assess,
    "event.view": _may_see_event,
    "event.register": _may_register,
    "event.manage": _may_manage_event,
    # Announce events at all: admins, and moderators of a region (for its events).
    "event.schedule": lambda user, _obj=None: is_admin(user) or bool(moderation_scope(user)[1]),
    "tag.propose": lambda user, _obj=None: may_write(user),
    "post.read": _may_read_post,
    "post.reply": _may_reply_to_post,
    "post.flag": _may_flag,
    "post.edit": _may_edit,
    "post.delete": _may_delete,
    "post.delete_own": _may_delete_own,
    "post.hide": _moderates_post,
    "post.unhide": _moderates_post,
    "post.restore": _moderates_post,
    "post.history": _moderates_post,
    "revision.purge": _moderates_post,
    "member.suspend": _may_suspend,
    "member.approve": _may_decide_membership,
    # Invite someone by e-mail to an organisation (an Organisation), or withdraw the invitation.
    "member.invite": _may_invite,
    # Profiles are for members: a visitor, or an account staff have not let in, sees none.
    "member.view": lambda user, _member=None: signed_in(user),
    # Find members by name to mention them: to members, as profiles are.
    "member.mention": lambda user, _member=None: signed_in(user),
    "moderation.review": _may_review,
    # The /staff/ pages' one guard (forum.staff): admins, and moderators of something.
    "staff.enter": _may_review,
    "forum.administer": _may_administer,
    # Invite members to a training group and remove them: programme staff.
    "group.manage": _may_administer,
}


@dataclass(frozen=True, slots=True)
class PostPermissions:
    read: bool
    reply: bool
    edit: bool
    flag: bool
    delete: bool
    moderate: bool


@dataclass(frozen=True, slots=True)
class _PostOfThread:
    """What the post rules read of a post, for one status and author in a thread."""

    thread: object
    status: str
    author_id: int | None

    @property
    def is_visible(self) -> bool:
        return self.status == PostStatus.VISIBLE


class ThreadPermissions:
    """The post rules above for every post of one thread, asked once per kind of post.

    A page of a thousand posts asks six questions of each. Within one thread, the rules' answers
    depend on a post only through its status and whether the reader wrote it, so each of those
    few kinds is put to the rules themselves once: nothing here restates a rule.
    """

    def __init__(self, user, thread: Thread):
        self._user = unwrap(user)
        self._thread = thread
        self.user_id = self._user.id if signed_in(self._user) else None
        self.moderates = _may_moderate(self._user, thread.board)
        self._answers: dict[tuple[str, bool], PostPermissions] = {}
        self._suspendable: dict[int, bool] = {}

    def for_post(self, post) -> PostPermissions:
        """The rules' answers for `post`, an ORM post or a post row with status and author_id."""
        own = self.user_id is not None and post.author_id == self.user_id
        key = (post.status, own)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._ask(*key)
        return answer

    def _ask(self, status: str, own: bool) -> PostPermissions:
        post = _PostOfThread(self._thread, status, self.user_id if own else None)
        user = self._user
        return PostPermissions(
            read=_may_read_post(user, post),
            reply=_may_reply_to_post(user, post),
            edit=_may_edit(user, post),
            flag=_may_flag(user, post),
            delete=_may_delete(user, post),
            moderate=_moderates_post(user, post),
        )

    def may_suspend_author(self, post) -> bool:
        """member.suspend for the author of `post`, a post row with author_id and author_role.
        Whoever moderates this thread's board may suspend the members who wrote in it; only a
        moderator reading outside their boards needs the author's account and posts."""
        answer = self._suspendable.get(post.author_id)
        if answer is None:
            answer = _may_suspend_someone(self._user, post.author_id, post.author_role) and (
                self.moderates or _may_suspend(self._user, db.session.get(User, post.author_id))
            )
            self._suspendable[post.author_id] = answer
        return answer


def can(user, action: str, obj) -> bool:
    """May `user` do `action` on `obj`? Unknown actions raise, so a typo fails closed."""
    try:
        rule = _RULES[action]
    except KeyError:
        raise LookupError(f"unknown policy action {action!r}") from None
    return rule(unwrap(user), obj)


STAFF_ACTIONS = frozenset(
    {
        "board.moderate", "thread.lock", "thread.pin", "thread.move", "thread.curate",
        "post.hide", "post.unhide", "post.restore", "post.history", "revision.purge",
        "member.suspend", "member.approve", "member.invite", "moderation.review",
        "forum.administer", "group.manage", "event.manage",
        "event.schedule",
        "staff.enter",
    }
)  # fmt: skip
_STAFF_ON_OTHERS = frozenset({"post.edit", "post.delete"})

# Sent with (user, action, target) when require() refuses a signed-in user a staff action;
# the audit trail records it (forum.audit.refusals).
staff_action_refused = Namespace().signal("staff-action-refused")
_log = logging.getLogger("forum.security")


def require(user, action: str, obj) -> None:
    """403 for a user who may see obj but not do this to it; the refusal is logged, and
    audited when it was a staff action."""
    if can(user, action, obj):
        return
    user = unwrap(user)
    user_id = user.id if signed_in(user) else None
    _log.warning(
        "refused %s to account %s on %s %s",
        action, user_id, type(obj).__name__, getattr(obj, "id", ""),
    )  # fmt: skip
    staff = action in STAFF_ACTIONS or (
        action in _STAFF_ON_OTHERS and getattr(obj, "author_id", None) != user_id
    )
    if user_id is not None and staff:
        staff_action_refused.send(None, user=user, action=action, target=obj)
    abort(403)
