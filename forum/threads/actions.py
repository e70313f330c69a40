"""Writes on threads and posts: verbs that take the acting user explicitly and commit once.

Counters are raised by SQL increments in the same transaction as the insert, never read into
Python and written back, so concurrent writers in several processes cannot lose an update.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forum import policy
from forum.audit.actions import record
from forum.auth.models import User
from forum.boards.models import Board
from forum.config import SUPPORTED_LOCALES
from forum.counters import RowUpdate, update_row, update_rows
from forum.database import begin_write, saved_id, utcnow
from forum.extensions import db
from forum.markup import Rendered, render
from forum.policy import NotAllowed
from forum.threads.models import PATH_SEGMENT, Post, PostRevision, PostStatus, Thread, path_segment
from forum.threads.new_members import check_new_member_links, check_new_member_pace
from forum.threads.signals import (
    post_held,
    post_moderated,
    post_status_changed,
    replied,
    thread_counted,
    thread_started,
)

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000
# Paths are stored in 2,000 characters: 200 levels of ten-digit segments.
MAX_DEPTH = 2000 // PATH_SEGMENT - 1


class TooDeep(Exception):
    """The reply would go deeper than a path can hold."""


def _check_text(value: str, *, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise ValueError(f"text must be 1 to {limit} characters")
    return value


def _check_language(language: str) -> str:
    if language not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported language {language!r}")
    return language


_BY_SUBMISSION = select(Post).where(
    Post.author_id == bindparam("author_id"), Post.submission_id == bindparam("submission_id")
)


def _already_submitted(by: User, submission_id: str | None) -> Post | None:
    """The post this member's form made already; another member's token finds nothing."""
    if submission_id is None:
        return None
    return db.session.scalar(_BY_SUBMISSION, {"author_id": by.id, "submission_id": submission_id})


def _store_post(
    *,
    thread_id: int,
    parent: Post | None,
    by: User,
    body: str,
    rendered: Rendered,
    language: str,
    submission_id: str | None,
    now: datetime,
    counted: Sequence[RowUpdate] = (),
) -> tuple[Post, bool]:
    """Insert a post with its place in the tree, and the `counted` rows' changes with it;
    (post, True) when it is new.

    When the same form was sent twice at once and the other request stored it first, the
    transaction is rolled back and that earlier post comes back as (post, False).
    """
    post = Post(
        thread_id=thread_id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_id=by.id,
        language=language,
        body_source=body,
        body_html=rendered.html,
        body_text=rendered.text,
        created_at=now,
        submission_id=submission_id,
    )
    db.session.add(post)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = _already_submitted(by, submission_id)
        if earlier is None:
            raise
        return earlier, False
    # Written by a plain UPDATE and recorded on the object as saved: assigning post.path would
    # have the ORM's unit of work flush it, which cost a tenth of a reply.
    path = (parent.path if parent else "") + path_segment(post.id)
    update_rows(RowUpdate(Post, post.id, assigned={"path": path}), *counted)
    set_committed_value(post, "path", path)
    return post, True


def _checked_message(by: User, body: str, language: str):
    """(body, language, rendered) of a new message that passed the checks made before writing."""
    body = _check_text(body, limit=BODY_MAX_LENGTH)
    language = _check_language(language)
    # Rendered before the write transaction, which on SQLite holds the database's write lock.
    rendered = render(body)
    check_new_member_links(by, rendered)
    return body, language, rendered


def _begin_post_write(by: User, submission_id: str | None) -> Post | None:
    """Begin the write of a new message; or, for a form sent again, the post it made the first
    time (that transaction ended)."""
    begin_write()
    earlier = _already_submitted(by, submission_id)
    if earlier is not None:
        db.session.commit()
    return earlier


def start_thread(
    board: Board,
    *,
    by: User,
    title: str,
    body: str,
    language: str,
    submission_id: str | None = None,
    tags: Sequence = (),
    held: str | None = None,
    then: Callable[[Thread], None] | None = None,
) -> Thread:
    """Open a thread with its first post and tags (forum.tags.actions.choose() checks them).

    A resubmitted form returns the thread it made. `then`, if given, is called with the new
    thread before the one commit: a higher domain adds its rows in the same transaction (an
    event and its discussion thread are written together or not at all)."""
    title = _check_text(title, limit=TITLE_MAX_LENGTH)
    body, language, rendered = _checked_message(by, body, language)
    if (earlier := _begin_post_write(by, submission_id)) is not None:
        return earlier.thread
    if not policy.can(by, "thread.start", board):
        db.session.rollback()
        raise NotAllowed
    now = utcnow()
    check_new_member_pace(by, now)
    thread = Thread(
        board_id=board.id,
        author_id=by.id,
        title=title,
        language=language,
        created_at=now,
        last_activity_at=now,
        last_poster_id=by.id,
        tags=list(tags),
    )
    db.session.add(thread)
    db.session.flush()
    opening, is_new = _store_post(
        thread_id=thread.id, parent=None, by=by, body=body, rendered=rendered,
        language=language, submission_id=submission_id, now=now,
        counted=[RowUpdate(Board, board.id, add={"thread_count": 1, "post_count": 1},
                           assigned={"last_activity_at": now})],
    )  # fmt: skip
    if not is_new:
        return opening.thread
    thread_counted.send(None, thread_id=thread.id, board_id=board.id, removed=False, sign=1)
    thread_started.send(None, post_id=saved_id(opening), thread_id=thread.id, by_id=by.id)
    _hold(opening, by, held)
    if then is not None:
        then(thread)
    db.session.commit()
    return thread


@cache  # built on first use: loader options need every mapper configured
def _parent_for_reply():
    """The parent, its thread and its board as they are inside the write transaction, in one
    query (three lazy loads otherwise); and the id of the post this member's form made, if it
    was sent before (asked in the same statement: a round trip fewer on PostgreSQL)."""
    earlier = aliased(Post)
    earlier_id = (
        select(earlier.id)
        .where(
            earlier.author_id == bindparam("author_id"),
            earlier.submission_id == bindparam("submission_id"),
        )
        .scalar_subquery()
    )
    return (
        select(Post, earlier_id)
        .where(Post.id == bindparam("post_id"))
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .execution_options(populate_existing=True)
    )


def reply(
    parent: Post,
    *,
    by: User,
    body: str,
    language: str,
    submission_id: str | None = None,
    held: str | None = None,
    then: Callable[[Post], None] | None = None,
) -> Post:
    """Reply to a post (the opening post: to the thread). A resubmitted form returns its post.

    `held`: the author sends it knowing it may hold personal data (what was found); it waits
    for a moderator, as start_thread()'s does. `then`, if given, is called with the new post
    before the one commit, as start_thread()'s is with the thread: what it reads of the post
    and the thread is read in the write's own transaction, not in one more after it."""  # fmt: skip
    body, language, rendered = _checked_message(by, body, language)
    begin_write()
    # Read again inside the write transaction: a lock or archive that landed meanwhile counts.
    parent, earlier_id = db.session.execute(
        _parent_for_reply(),
        {"post_id": saved_id(parent), "author_id": by.id, "submission_id": submission_id},
    ).one()
    if earlier_id is not None:  # the form sent again: the post it made the first time
        db.session.commit()
        return db.session.get(Post, earlier_id)
    if not policy.can(by, "post.reply", parent):
        db.session.rollback()
        raise NotAllowed
    if parent.depth >= MAX_DEPTH:
        db.session.rollback()
        raise TooDeep
    now = utcnow()
    check_new_member_pace(by, now)
    counted = [  # locked in this order, as change_status() locks them
        RowUpdate(Post, parent.id, add={"reply_count": 1}),
        RowUpdate(Thread, parent.thread_id,
                  add={"reply_count": 1, "branch_count": int(parent.depth == 0)},
                  assigned={"last_activity_at": now, "last_poster_id": by.id}),
        RowUpdate(Board, parent.thread.board_id, add={"post_count": 1},
                  assigned={"last_activity_at": now}),
    ]  # fmt: skip
    post, is_new = _store_post(
        thread_id=parent.thread_id, parent=parent, by=by, body=body, rendered=rendered,
        language=language, submission_id=submission_id, now=now, counted=counted,
    )  # fmt: skip
    if not is_new:
        return post
    replied.send(None, post_id=saved_id(post), thread_id=parent.thread_id, by_id=by.id,
                 told=(parent.author_id, parent.thread.author_id))  # fmt: skip
    _hold(post, by, held)
    if then is not None:
        then(post)
    db.session.commit()
    return post


def _hold(post: Post, by: User, held: str | None) -> None:
    """In the new post's transaction: held for a moderator, with a flag, if `held` says why."""
    if held is None:
        return
    change_status(post, PostStatus.PENDING, by=by, reason="", action="post.hold_personal_data")
    post_held.send(None, post_id=saved_id(post), by_id=by.id, note=held)


class EditConflict(Exception):
    """Someone else saved the post since this edit began; nothing was overwritten."""

    def __init__(self, current: Post):
        super().__init__("post changed since the edit began")
        self.current = current


def _lock_post(post: Post) -> Post:
    """Read the post again inside the write transaction, locked against concurrent changes."""
    return db.session.scalars(
        select(Post)
        .where(Post.id == saved_id(post))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def change_status(post: Post, status: str, *, by: User, reason: str, action: str) -> bool:
    """Set a post's status inside the caller's write transaction, keeping every counter exact.

    Counters count what members see: a reply leaving view lowers its thread's and board's
    counts; an opening post leaving view removes the whole thread from members' listings.
    Returns False when the post already had that status (nothing is recorded then).
    """
    post = _lock_post(post)
    if post.status == status:
        return False
    reason = (reason or "").strip()
    delta = int(status == "visible") - int(post.is_visible)
    post.status, post.status_reason, post.status_by_id = status, reason, by.id
    post_status_changed.send(None, post_id=post.id, thread_id=post.thread_id)
    if by.id != post.author_id:
        change = "restored" if status == PostStatus.VISIBLE else str(status)
        post_moderated.send(None, post=post, by_id=by.id, change=change, reason=reason)
    if delta and post.depth == 0:
        replies = select(Thread.reply_count).where(Thread.id == post.thread_id).scalar_subquery()
        update_row(Thread, post.thread_id, removed=delta < 0)
        board_id = post.thread.board_id
        update_row(
            Board, board_id, add={"thread_count": delta, "post_count": delta * (replies + 1)}
        )
        for removed, sign in ((delta > 0, -1), (delta < 0, 1)):
            thread_counted.send(
                None, thread_id=post.thread_id, board_id=board_id, removed=removed, sign=sign
            )
    elif delta:
        # In the order a reply locks them (reply()): its parent, the thread, the board. The
        # thread before the parent waited on a reply to the same parent that waited on it.
        update_rows(
            RowUpdate(Post, post.parent_id, add={"reply_count": delta}),
            RowUpdate(Thread, post.thread_id, add={"reply_count": delta}),
            RowUpdate(Board, post.thread.board_id, add={"post_count": delta}),
        )
    record(by, action, post, reason=reason)
    return True


def delete_own_post(post: Post, *, by: User) -> bool:
    """The author deletes their message: a placeholder keeps its place, replies to it stay.
    False when it was deleted already."""
    begin_write()
    if not policy.can(by, "post.delete_own", post):
        db.session.rollback()
        raise NotAllowed
    changed = change_status(post, PostStatus.DELETED, by=by, reason="", action="post.delete")
    db.session.commit()
    return changed


def edit_post(
    post: Post,
    *,
    by: User,
    body: str,
    expected_version: int,
    reason: str = "",
    title: str | None = None,
    held: str | None = None,
) -> Post:
    """Save a new version of a post, keeping the old one as a revision.

    Refused with EditConflict when the post changed after `expected_version` was read. `held`:
    its author saves it knowing it may hold personal data; it waits for a moderator.
    """
    body = _check_text(body, limit=BODY_MAX_LENGTH)
    if title is not None:
        title = _check_text(title, limit=TITLE_MAX_LENGTH)
    rendered = render(body)
    check_new_member_links(by, rendered)
    begin_write()
    current = _lock_post(post)
    if not policy.can(by, "post.edit", current):
        db.session.rollback()
        raise NotAllowed
    if current.version != expected_version:
        db.session.commit()
        raise EditConflict(current)
    now = utcnow()
    db.session.add(
        PostRevision(
            post_id=current.id,
            body_source=current.body_source,
            body_html=current.body_html,
            written_at=current.edited_at or current.created_at,
            replaced_by_id=by.id,
            replaced_at=now,
            reason=reason,
        )
    )
    current.body_source, current.body_html, current.body_text = body, rendered.html, rendered.text
    current.edited_at = now
    current.version += 1
    if title is not None and current.depth == 0:
        current.thread.title = title
    if by.id != current.author_id:
        record(by, "post.edit", current, reason=reason)
        post_moderated.send(None, post=current, by_id=by.id, change="edited", reason=reason)
    _hold(current, by, held)
    db.session.commit()
    return current
