"""Moderation verbs. Each takes the acting user explicitly, checks the policy inside its write
transaction, records an audit entry, and commits once."""

from datetime import datetime

from sqlalchemy import delete, select, update

from forum import policy
from forum.audit.actions import record
from forum.auth.models import User
from forum.boards.models import Board
from forum.counters import update_row
from forum.database import add_unique, begin_write, utcnow
from forum.extensions import db
from forum.moderation.models import FLAG_DECISIONS, FLAG_REASONS, HIDING_REASONS, Flag
from forum.threads.actions import NotAllowed, change_status
from forum.threads.models import Post, PostRevision, Thread
from forum.threads.signals import post_held, thread_counted

# What a moderator's decision on a flag does to the post.
_DECISION_STATUS = {"hide": "hidden", "delete": "deleted"}
# The post statuses each staff verb moves a post to, with the policy action that allows it.
POST_VERBS = {
    "hide": ("hidden", "post.hide"),
    "unhide": ("visible", "post.unhide"),
    "delete": ("deleted", "post.delete"),
    "restore": ("visible", "post.restore"),
}
# Thread verbs: the field they set, to what, and the policy action that allows it.
THREAD_VERBS = {
    "lock": ("locked", True, "thread.lock"),
    "unlock": ("locked", False, "thread.lock"),
    "pin": ("pinned", True, "thread.pin"),
    "unpin": ("pinned", False, "thread.pin"),
}


class AlreadyFlagged(Exception):
    """This member has an open flag on this post already."""


class AlreadyResolved(Exception):
    """Another moderator resolved this flag first."""


def _allowed(user: User, action: str, obj) -> None:
    if not policy.can(user, action, obj):
        db.session.rollback()
        raise NotAllowed


def flag_post(post: Post, *, by: User, reason: str, note: str | None = "") -> Flag:
    """Flag a post for review; a flag for personal or health data hides it at once."""
    if reason not in FLAG_REASONS:
        raise ValueError(f"unknown flag reason {reason!r}")
    begin_write()
    _allowed(by, "post.flag", post)
    flag = Flag(post_id=post.id, reporter_id=by.id, reason=reason, note=(note or "").strip(),
                created_at=utcnow())  # fmt: skip
    add_unique(flag, AlreadyFlagged)
    if reason in HIDING_REASONS:
        # Hidden in the reporter's name: the harm of leaving it up outweighs a wrong hide.
        change_status(post, "pending", by=by, reason="", action="post.hide_pending")
    db.session.commit()
    return flag


def resolve_flag(flag: Flag, *, by: User, decision: str, reason: str) -> None:
    """Dismiss the flags on a post, or hide or delete the post; closes all its open flags."""
    if decision not in FLAG_DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    begin_write()
    post = db.session.get(Post, flag.post_id)
    _allowed(by, "post.hide", post)
    now = utcnow()
    closed = db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.status == "open")
        .values(status=decision, resolved_by_id=by.id, resolved_at=now, resolution_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed == 0:
        # Two moderators at once: the first decision stands, the second changes nothing.
        db.session.rollback()
        raise AlreadyResolved
    if decision == "dismiss":
        if post.status == "pending":
            change_status(post, "visible", by=by, reason=reason, action="post.unhide")
    else:
        change_status(post, _DECISION_STATUS[decision], by=by, reason=reason,
                      action=f"post.{decision}")  # fmt: skip
    record(by, f"flag.{decision}", flag, reason=reason)
    db.session.commit()


def moderate_post(post: Post, verb: str, *, by: User, reason: str) -> bool:
    """Hide, unhide, delete or restore a post. False when it already had that status."""
    status, action = POST_VERBS[verb]
    begin_write()
    _allowed(by, action, post)
    changed = change_status(post, status, by=by, reason=reason, action=f"post.{verb}")
    db.session.commit()
    return changed


def moderate_thread(thread: Thread, verb: str, *, by: User, reason: str = "") -> bool:
    """Lock, unlock, pin or unpin a thread. False when it was so already."""
    field, value, action = THREAD_VERBS[verb]
    begin_write()
    _allowed(by, action, thread)
    if getattr(thread, field) == value:
        db.session.commit()
        return False
    setattr(thread, field, value)
    record(by, f"thread.{verb}", thread, reason=reason)
    db.session.commit()
    return True


def move_thread(thread: Thread, *, by: User, to: Board, reason: str = "") -> None:
    """Move a thread to another board that the moderator also moderates."""
    begin_write()
    _allowed(by, "thread.move", thread)
    _allowed(by, "board.moderate", to)
    source = thread.board
    if source.id == to.id:
        db.session.commit()
        return
    visible = not thread.removed
    posts = (thread.reply_count + 1) if visible else 0
    for board, sign in ((source, -1), (to, 1)):
        update_row(
            Board, board.id, add={"thread_count": sign * int(visible), "post_count": sign * posts}
        )
        thread_counted.send(
            None, thread_id=thread.id, board_id=board.id, removed=thread.removed, sign=sign
        )
    thread.board_id = to.id
    record(by, "thread.move", thread, reason=reason,
           details=f"board: {source.slug!r} → {to.slug!r}")  # fmt: skip
    db.session.commit()


def suspend_member(member: User, *, by: User, until: datetime, reason: str) -> None:
    """Until `until`, the member can read but not post or flag."""
    begin_write()
    _allowed(by, "member.suspend", member)
    member.suspended_until, member.suspension_reason = until, reason
    record(by, "member.suspend", member, reason=reason, details=f"until {until.isoformat()}")
    db.session.commit()


def lift_suspension(member: User, *, by: User, reason: str = "") -> None:
    begin_write()
    _allowed(by, "member.suspend", member)
    member.suspended_until, member.suspension_reason = None, ""
    record(by, "member.unsuspend", member, reason=reason)
    db.session.commit()


def purge_revision(revision: PostRevision, *, by: User, reason: str) -> None:
    """Remove an earlier version for good: it may hold the very detail its author removed."""
    begin_write()
    post = db.session.get(Post, revision.post_id)
    _allowed(by, "revision.purge", post)
    db.session.execute(delete(PostRevision).where(PostRevision.id == revision.id))
    record(by, "revision.purge", post, reason=reason, details=f"revision {revision.id}")
    db.session.commit()


def open_flag_for_held_post(_sender, *, post_id: int, by_id: int, note: str) -> None:
    """In the held post's transaction: a flag for personal data in its author's name, so that
    it waits in the moderators' queue like any other."""
    already = select(Flag.id).where(
        Flag.post_id == post_id, Flag.reporter_id == by_id, Flag.status == "open"
    )
    if db.session.scalar(already) is None:  # held again by a later edit: the one flag will do
        db.session.add(Flag(post_id=post_id, reporter_id=by_id, reason="personal_data",
                            note=note, created_at=utcnow()))  # fmt: skip


def init_app(_app) -> None:
    post_held.connect(open_flag_for_held_post)
