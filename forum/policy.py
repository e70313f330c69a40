"""Every "may this user ..." decision, and the query filters that apply the same rules.

Listings never filter on their own: they start from visible_threads(), visible_posts() and
visible_boards() (or, for reads of plain columns rather than objects, the visible_*_rows()
forms), and single objects are loaded through the get_*_or_404 loaders, so that a forgotten
check shows nothing rather than a private board's content.

The query filters depend on the reader only through a Viewer: what the rules need to know of
them, hashable, so that each statement is built once for each kind of reader (signed out, a
member of a region, a moderator of some boards) and not again for every request. The visible_*()
filters take a user or a Viewer; modules that cache statements of their own key them on one.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from types import SimpleNamespace

from blinker import Namespace
from flask import abort
from flask_login import current_user
from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import contains_eager

from forum.auth.models import User
from forum.boards.models import Board, ModerationScope
from forum.extensions import db
from forum.practices.models import GoodPractice
from forum.tags.models import TagBoardCount
from forum.threads.models import Post, Thread


def _unwrap(user):
    """The user object behind Flask-Login's current_user proxy: every attribute read through
    the proxy costs a context lookup, and one page asks hundreds of questions."""
    get = getattr(user, "_get_current_object", None)
    return get() if get is not None else user


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _holds_staff_powers(user) -> bool:
    """Staff powers end while their holder is suspended, and come back when it is lifted."""
    return _signed_in(user) and not user.is_suspended


def is_admin(user) -> bool:
    return _holds_staff_powers(user) and user.role == "admin"


def moderation_scope(user) -> tuple[frozenset[int], frozenset[int]]:
    """The boards and regions a moderator moderates (loaded once per request and user)."""
    if not _holds_staff_powers(user) or user.role != "moderator":
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
        user._moderation_scope = cached
    return cached


def _moderates(user, board: Board) -> bool:
    if is_admin(user):
        return True
    boards, regions = moderation_scope(user)
    return board.id in boards or (board.region_id is not None and board.region_id in regions)


def _in_region(user, board: Board) -> bool:
    return board.region_id is not None and board.region_id == user.region_id


def _may_write(user) -> bool:
    """Signed in, and not suspended: a suspended member can read but not post or flag."""
    return _signed_in(user) and not user.is_suspended


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the query filters need to know of a reader."""

    signed_in: bool = False
    admin: bool = False
    region_id: int | None = None
    moderated_boards: frozenset[int] = frozenset()
    moderated_regions: frozenset[int] = frozenset()


SIGNED_OUT = Viewer()


def viewer(user) -> Viewer:
    """The Viewer of a user (or of a Viewer: itself)."""
    if isinstance(user, Viewer):
        return user
    user = _unwrap(user)
    if not _signed_in(user):
        return SIGNED_OUT
    boards, regions = moderation_scope(user)
    return Viewer(True, is_admin(user), user.region_id, boards, regions)


# The filters are written on the tables' own columns: they serve ORM queries as they are, and
# keep a statement of plain columns out of the ORM's slower path.
_boards = Board.__table__
_threads = Thread.__table__
_posts = Post.__table__
_practices = GoodPractice.__table__
_tag_counts = TagBoardCount.__table__
# Enough for every kind of reader a busy forum has at once; a statement is cheap to build again.
_KINDS_OF_READER = 512


def _any_of(column, values) -> ColumnElement[bool]:
    """column = a OR column = b ...: the same as IN (a, b), but compiled once with the
    statement, where an IN list is rendered into the SQL again at every execution."""
    return or_(false(), *(column == value for value in sorted(values)))


def moderation_clause(user) -> ColumnElement[bool]:
    """The SQL condition on Board that selects the boards this user moderates."""
    return _moderation_clause(viewer(user))


@lru_cache(maxsize=_KINDS_OF_READER)
def _moderation_clause(reader: Viewer) -> ColumnElement[bool]:
    if reader.admin:
        return true()
    boards, regions = reader.moderated_boards, reader.moderated_regions
    if not boards and not regions:
        return false()
    return or_(_any_of(_boards.c.id, boards), _any_of(_boards.c.region_id, regions))


def board_visibility_clause(user) -> ColumnElement[bool]:
    """The SQL condition on Board that selects the boards this user may read."""
    return _board_visibility_clause(viewer(user))


@lru_cache(maxsize=_KINDS_OF_READER)
def _board_visibility_clause(reader: Viewer) -> ColumnElement[bool]:
    if reader.admin:
        return true()
    if not reader.signed_in:
        return _boards.c.visibility == "public"
    allowed = [
        _any_of(_boards.c.visibility, ("public", "members")),
        _boards.c.region_id == reader.region_id,
    ]
    if reader.moderated_boards:
        allowed.append(_any_of(_boards.c.id, reader.moderated_boards))
    if reader.moderated_regions:
        allowed.append(_any_of(_boards.c.region_id, reader.moderated_regions))
    return or_(*allowed)


def _may_read_board(user, board: Board) -> bool:
    if board.visibility == "public":
        return True
    if not _signed_in(user):
        return False
    if board.visibility == "members":
        return True
    return _in_region(user, board) or _moderates(user, board)


def _may_write_in_board(user, board: Board) -> bool:
    """Posting follows the board's scope: a regional board takes posts from its region."""
    if not _may_write(user) or board.archived or not _may_read_board(user, board):
        return False
    return board.region_id is None or _in_region(user, board) or _moderates(user, board)


def _may_moderate(user, board: Board) -> bool:
    return _signed_in(user) and _moderates(user, board)


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
    return _signed_in(user) and post.author_id == user.id


def _may_read_post(user, post: Post) -> bool:
    """May the user read this post's text (rather than a placeholder)?"""
    if not _may_see_thread(user, post.thread):
        return False
    if post.is_visible or _may_moderate(user, post.thread.board):
        return True
    # Authors see their hidden posts, and why they were hidden.
    return post.status != "deleted" and _is_author(user, post)


def _may_reply_to_post(user, post: Post) -> bool:
    return _may_reply(user, post.thread) and (
        post.is_visible or _may_moderate(user, post.thread.board)
    )


def _may_flag(user, post: Post) -> bool:
    return (
        _may_write(user)
        and post.is_visible
        and not _is_author(user, post)
        and _may_see_thread(user, post.thread)
    )


def _may_edit(user, post: Post) -> bool:
    if _may_moderate(user, post.thread.board):
        return True
    return (
        _is_author(user, post)
        and _may_write(user)
        and post.status != "deleted"
        and not post.thread.locked
        and not post.thread.board.archived
        and _may_see_thread(user, post.thread)
    )


def _may_delete(user, post: Post) -> bool:
    if post.status == "deleted":
        return False
    return _may_moderate(user, post.thread.board) or (
        _is_author(user, post) and _may_write(user) and _may_see_thread(user, post.thread)
    )


def _moderates_post(user, post: Post) -> bool:
    return _may_moderate(user, post.thread.board)


def _moderates_thread(user, thread: Thread) -> bool:
    return _may_moderate(user, thread.board)


def _may_tag(user, thread: Thread) -> bool:
    """Authors and moderators change a thread's tags."""
    if _may_moderate(user, thread.board):
        return True
    return (
        _signed_in(user)
        and thread.author_id == user.id
        and _may_write_in_board(user, thread.board)
        and _may_see_thread(user, thread)
    )


def _may_adopt(user, practice) -> bool:
    """Another organisation than the practice's own, whose member can read the thread."""
    return (
        _may_write(user)
        and user.organisation_id != practice.organisation_id
        and _may_see_thread(user, practice.thread)
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
    if not _may_review(user) or member_id == user.id or member_role == "admin":
        return False
    return member_role == "member" or is_admin(user)


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
    "tag.propose": lambda user, _obj=None: _may_write(user),
    "post.read": _may_read_post,
    "post.reply": _may_reply_to_post,
    "post.flag": _may_flag,
    "post.edit": _may_edit,
    "post.delete": _may_delete,
    "post.hide": _moderates_post,
    "post.unhide": _moderates_post,
    "post.restore": _moderates_post,
    "post.history": _moderates_post,
    "revision.purge": _moderates_post,
    "member.suspend": _may_suspend,
    "moderation.review": _may_review,
    "forum.administer": _may_administer,
}


@dataclass(frozen=True, slots=True)
class PostPermissions:
    read: bool
    reply: bool
    edit: bool
    flag: bool
    delete: bool
    moderate: bool


class ThreadPermissions:
    """The rules above for every post of one thread, with the per-thread part worked out once.

    A page of a thousand posts asks six questions of each; this answers them from a few flags.
    tests/test_policy.py checks that it agrees with can() for every post, user and action.
    """

    def __init__(self, user, thread: Thread):
        user = _unwrap(user)
        board = thread.board
        self._user = user
        self.user_id = user.id if _signed_in(user) else None
        self.moderates = _may_moderate(user, board)
        self.may_reply = _may_reply(user, thread)
        self.sees_thread = _may_see_thread(user, thread)
        writer = _may_write(user) and self.sees_thread
        self.author_may_edit = writer and not thread.locked and not board.archived
        self.author_may_delete = writer
        self._answers: dict[int, PostPermissions] = {}  # a post is asked about again as a parent
        self._suspendable: dict[int, bool] = {}

    def for_post(self, post: Post) -> PostPermissions:
        answer = self._answers.get(post.id)
        if answer is None:
            answer = self._answers[post.id] = self._for_post(post)
        return answer

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

    def _for_post(self, post: Post) -> PostPermissions:
        visible = post.status == "visible"
        own = self.user_id is not None and post.author_id == self.user_id
        if not self.sees_thread:
            return PostPermissions(False, False, False, False, False, False)
        deleted = post.status == "deleted"
        return PostPermissions(
            read=visible or self.moderates or (own and not deleted),
            reply=self.may_reply and (visible or self.moderates),
            edit=self.moderates or (own and not deleted and self.author_may_edit),
            flag=visible and not own and self.author_may_delete,
            delete=not deleted and (self.moderates or (own and self.author_may_delete)),
            moderate=self.moderates,
        )


def can(user, action: str, obj) -> bool:
    """May `user` do `action` on `obj`? Unknown actions raise, so a typo fails closed."""
    try:
        rule = _RULES[action]
    except KeyError:
        raise LookupError(f"unknown policy action {action!r}") from None
    return rule(_unwrap(user), obj)


def _per_kind_of_reader(build: Callable[..., Select]) -> Callable[..., Select]:
    """A statement built from a Viewer, taken from a user or a Viewer, built once a Viewer."""
    cached = lru_cache(maxsize=_KINDS_OF_READER)(build)

    @wraps(build)
    def for_reader(user, *arguments) -> Select:
        return cached(viewer(user), *arguments)

    return for_reader


@_per_kind_of_reader
def visible_boards(reader: Viewer) -> Select:
    return select(Board).where(_board_visibility_clause(reader))


def _thread_shown(reader: Viewer) -> ColumnElement[bool]:
    return or_(_threads.c.removed.is_(False), _moderation_clause(reader))


def _post_listed(reader: Viewer) -> ColumnElement[bool]:
    """A post's text in listings: visible posts of shown threads, or the reader moderates."""
    return or_(
        and_(_posts.c.status == "visible", _threads.c.removed.is_(False)),
        _moderation_clause(reader),
    )


@_per_kind_of_reader
def visible_threads(reader: Viewer) -> Select:
    """Threads on boards the user may read, less removed ones unless the user moderates them."""
    return (
        select(Thread)
        .join(Thread.board)
        .where(_board_visibility_clause(reader), _thread_shown(reader))
    )


@_per_kind_of_reader
def visible_thread_rows(reader: Viewer) -> Select:
    """visible_threads() for listings that read columns rather than objects: thread joined to
    board, selecting thread.id; the caller picks its columns with with_only_columns()."""
    return (
        select(_threads.c.id)
        .select_from(_threads.join(_boards, _boards.c.id == _threads.c.board_id))
        .where(_board_visibility_clause(reader), _thread_shown(reader))
    )


@_per_kind_of_reader
def visible_posts(reader: Viewer) -> Select:
    """Posts whose text the user may read in listings: hidden and deleted ones only for
    their moderators."""
    return (
        select(Post)
        .join(Post.thread)
        .join(Thread.board)
        .where(_board_visibility_clause(reader), _post_listed(reader))
    )


@_per_kind_of_reader
def visible_post_rows(reader: Viewer) -> Select:
    """visible_posts() for reads of columns: post joined to thread and board, selecting
    post.id; the caller picks its columns with with_only_columns()."""
    return (
        select(_posts.c.id)
        .select_from(
            _posts.join(_threads, _threads.c.id == _posts.c.thread_id).join(
                _boards, _boards.c.id == _threads.c.board_id
            )
        )
        .where(_board_visibility_clause(reader), _post_listed(reader))
    )


@_per_kind_of_reader
def visible_practices(reader: Viewer) -> Select:
    """Good practices on threads the user may see: the library's and its feed's base."""
    return (
        select(GoodPractice)
        .join(GoodPractice.thread)
        .join(Thread.board)
        .where(_board_visibility_clause(reader), _thread_shown(reader))
    )


@_per_kind_of_reader
def visible_practice_rows(reader: Viewer) -> Select:
    """visible_practices() for reads of columns: good_practice joined to thread (not to the
    board: _thread_seen_by_board_id)."""
    return (
        select(_practices.c.id)
        .select_from(_practices.join(_threads, _threads.c.id == _practices.c.thread_id))
        .where(_thread_seen_by_board_id(reader))
    )


def _thread_seen_by_board_id(reader: Viewer) -> ColumnElement[bool]:
    """visible_threads()' rules asked of a thread's board_id, for statements that need nothing
    of the board. Joined to the board, SQLite's planner starts from the three boards and reads
    every thread or practice once for each (the library's counts read them fifteen times)."""
    return and_(
        _threads.c.board_id.in_(_boards_where(_board_visibility_clause(reader))),
        or_(
            _threads.c.removed.is_(False),
            _threads.c.board_id.in_(_boards_where(_moderation_clause(reader))),
        ),
    )


def visible_kept_counts(reader: Viewer, shown: Column, removed: Column, *keys) -> Select:
    """Counts kept per board, added up for the reader by `keys`: rows of (*keys, counted). A
    board's `shown` count (what members see) counts where the reader may read the board, and its
    `removed` count too where the reader moderates it, as visible_threads() has it. The columns
    are of one table with a board_id; the caller may filter on its keys. ("counted", not
    "count": a row's count is the tuple method.)"""
    counts = shown.table
    seen = shown + case((_moderation_clause(reader), removed), else_=0)
    return (
        select(*keys, func.sum(seen).label("counted"))
        .select_from(counts.join(_boards, _boards.c.id == counts.c.board_id))
        .where(_board_visibility_clause(reader))
        .group_by(*keys)
    )


@_per_kind_of_reader
def visible_tag_counts(reader: Viewer) -> Select:
    """How many threads the reader may see carry each tag, from the counts kept per board
    (TagBoardCount): rows of (tag_id, counted)."""
    return visible_kept_counts(
        reader, _tag_counts.c.threads, _tag_counts.c.removed_threads, _tag_counts.c.tag_id
    )


def _boards_where(condition: ColumnElement[bool]) -> Select:
    return select(_boards.c.id).where(condition)


def _first_or_404(statement: Select, **parameters):
    found = db.session.execute(statement, parameters).unique().scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def _first_row_or_404(statement: Select, **parameters):
    found = db.session.execute(statement, parameters).first()
    if found is None:
        abort(404)
    return found


def get_board_or_404(slug: str, user) -> Board:
    return _first_or_404(_board_loader(user), slug=slug)


@_per_kind_of_reader
def _board_loader(reader: Viewer) -> Select:
    return visible_boards(reader).where(_boards.c.slug == bindparam("slug")).limit(1)


def get_board_row_or_404(slug: str, user):
    """get_board_or_404() for pages that only read the board: a row of its columns, which the
    rules above (can) read as they read a Board."""
    return _first_row_or_404(_board_row_loader(user), slug=slug)


@_per_kind_of_reader
def _board_row_loader(reader: Viewer) -> Select:
    return (
        select(_boards)
        .where(_board_visibility_clause(reader), _boards.c.slug == bindparam("slug"))
        .limit(1)
    )


def get_thread_or_404(thread_id: int, user) -> Thread:
    """A thread the user may see, with its board."""
    return _first_or_404(_thread_loader(user), thread_id=thread_id)


@_per_kind_of_reader
def _thread_loader(reader: Viewer) -> Select:
    statement = visible_threads(reader).where(_threads.c.id == bindparam("thread_id"))
    return statement.options(contains_eager(Thread.board)).limit(1)


def get_thread_row_or_404(thread_id: int, user) -> SimpleNamespace:
    """get_thread_or_404() for the thread page, which only reads the thread: its columns as
    attributes, its board's as `board`, and its good practice, if it is one, as `practice`
    (None otherwise). The rules above read it as they read a Thread; it costs a third of
    loading the ORM objects."""
    values = _first_row_or_404(_thread_row_loader(user), thread_id=thread_id)._asdict()
    board_columns = [name for name in values if name.startswith(_BOARD)]
    board = {name.removeprefix(_BOARD): values.pop(name) for name in board_columns}
    practice_id = values.pop("practice_id")
    practice = db.session.get(GoodPractice, practice_id) if practice_id is not None else None
    return SimpleNamespace(**values, board=SimpleNamespace(**board), practice=practice)


_BOARD = "board__"  # the board's columns in the thread row loader (a thread has a board_id)


@_per_kind_of_reader
def _thread_row_loader(reader: Viewer) -> Select:
    return (
        select(
            _threads,
            *(column.label(_BOARD + column.name) for column in _boards.c),
            _practices.c.id.label("practice_id"),
        )
        .select_from(
            _threads.join(_boards, _boards.c.id == _threads.c.board_id).outerjoin(
                _practices, _practices.c.thread_id == _threads.c.id
            )
        )
        .where(_board_visibility_clause(reader), _thread_shown(reader))
        .where(_threads.c.id == bindparam("thread_id"))
        .limit(1)
    )


def get_post_or_404(post_id: int, user) -> Post:
    """A post in a thread the user may see, whatever its status: a hidden post keeps its place
    in the tree, and pages decide with can("post.read") whether to show its text."""
    return _first_or_404(_post_loader(user), post_id=post_id)


@_per_kind_of_reader
def _post_loader(reader: Viewer) -> Select:
    return (
        select(Post)
        .join(Post.thread)
        .join(Thread.board)
        .where(_board_visibility_clause(reader), _thread_shown(reader))
        .where(_posts.c.id == bindparam("post_id"))
        .options(contains_eager(Post.thread).contains_eager(Thread.board))
        .limit(1)
    )


# Actions only staff may take (edit and delete are staff actions on someone else's post): a
# signed-in user refused one of these is recorded in the audit trail.
STAFF_ACTIONS = frozenset(
    {
        "board.moderate", "thread.lock", "thread.pin", "thread.move", "thread.curate",
        "post.hide", "post.unhide", "post.restore", "post.history", "revision.purge",
        "member.suspend", "moderation.review", "forum.administer",
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
    user = _unwrap(user)
    user_id = user.id if _signed_in(user) else None
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


def init_app(app) -> None:
    """Templates ask the same rules: {% if can('post.reply', post) %}."""
    app.jinja_env.globals["can"] = lambda action, obj: can(current_user, action, obj)
