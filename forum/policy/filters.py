"""The query filters: every listing, search, feed and count starts from one of these, so that
a forgotten check shows nothing rather than a private board's content.

The filters depend on the reader only through a Viewer: what the rules need to know of them,
hashable, so that each statement is built once for each kind of reader (signed out, a member of
a region, a moderator of some boards) and not again for every request. The visible_*() filters
take a user or a Viewer; modules that cache statements of their own key them on one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from sqlalchemy import Column, ColumnElement, Select, and_, case, false, func, or_, select, true

from forum.audit.models import AuditEntry
from forum.auth.models import Invitation, Membership, User
from forum.boards.models import Board, BoardVisibility
from forum.events.models import Event
from forum.moderation.models import Flag
from forum.organisations.models import Assessment
from forum.policy.identity import (
    is_admin,
    moderation_scope,
    signed_in,
    training_groups,
    unwrap,
)
from forum.practices.models import GoodPractice
from forum.regions.models import Organisation
from forum.tags.models import TagBoardCount
from forum.threads.models import Post, PostStatus, Thread


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the query filters need to know of a reader."""

    signed_in: bool = False
    admin: bool = False
    region_id: int | None = None
    moderated_boards: frozenset[int] = frozenset()
    moderated_regions: frozenset[int] = frozenset()
    training_groups: frozenset[int] = frozenset()


SIGNED_OUT = Viewer()


def viewer(user) -> Viewer:
    """The Viewer of a user (or of a Viewer: itself)."""
    if isinstance(user, Viewer):
        return user
    user = unwrap(user)
    if not signed_in(user):
        return SIGNED_OUT
    boards, regions = moderation_scope(user)
    return Viewer(True, is_admin(user), user.region_id, boards, regions, training_groups(user))


# The filters are written on the tables' own columns: they serve ORM queries as they are, and
# keep a statement of plain columns out of the ORM's slower path.
_boards = Board.__table__
_threads = Thread.__table__
_posts = Post.__table__
_practices = GoodPractice.__table__
_tag_counts = TagBoardCount.__table__
# The joins the filters read through, the same for a statement of objects and one of columns.
THREADS_WITH_BOARDS = _threads.join(_boards, _boards.c.id == _threads.c.board_id)
POSTS_WITH_BOARDS = _posts.join(_threads, _threads.c.id == _posts.c.thread_id).join(
    _boards, _boards.c.id == _threads.c.board_id
)
_PRACTICES_WITH_BOARDS = _practices.join(_threads, _threads.c.id == _practices.c.thread_id).join(
    _boards, _boards.c.id == _threads.c.board_id
)
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


def _scope_clause(reader: Viewer, scope, region, group) -> ColumnElement[bool]:
    """Who is in one of BoardVisibility's scopes (a board's readers, an event's audience), on
    the columns of the scope and of the region and training group it names: everyone for
    public; members for members; the region's members and its moderators for region; the
    group's joined members for group; admins for all."""
    if reader.admin:
        return true()
    if not reader.signed_in:
        return scope == BoardVisibility.PUBLIC
    allowed = [
        _any_of(scope, (BoardVisibility.PUBLIC, BoardVisibility.MEMBERS)),
        and_(scope == BoardVisibility.REGION, region == reader.region_id),
    ]
    if reader.moderated_regions:
        allowed.append(
            and_(scope == BoardVisibility.REGION, _any_of(region, reader.moderated_regions))
        )
    if reader.training_groups:
        allowed.append(and_(scope == BoardVisibility.GROUP, _any_of(group, reader.training_groups)))
    return or_(*allowed)


@lru_cache(maxsize=_KINDS_OF_READER)
def _board_visibility_clause(reader: Viewer) -> ColumnElement[bool]:
    """A board's scope, and the boards the reader moderates one by one."""
    clause = _scope_clause(reader, _boards.c.visibility, _boards.c.region_id, _boards.c.group_id)
    if reader.moderated_boards and not reader.admin:
        clause = or_(clause, _any_of(_boards.c.id, reader.moderated_boards))
    return clause


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
        and_(_posts.c.status == PostStatus.VISIBLE, _threads.c.removed.is_(False)),
        _moderation_clause(reader),
    )


def threads_seen(reader: Viewer, *columns, through=THREADS_WITH_BOARDS) -> Select:
    """select(*columns) of the threads the reader may see, read `through` a join that holds
    thread and board."""
    return _on_readable_boards(reader, through, _thread_shown(reader), *columns)


def _on_readable_boards(reader: Viewer, through, rule: ColumnElement[bool], *columns) -> Select:
    """select(*columns) from `through` (a join that holds the board) where the reader may read
    the board and `rule` holds."""
    return select(*columns).select_from(through).where(_board_visibility_clause(reader), rule)


@_per_kind_of_reader
def visible_threads(reader: Viewer) -> Select:
    """Threads on boards the user may read, less removed ones unless the user moderates them;
    joined to their boards."""
    return threads_seen(reader, Thread)


@_per_kind_of_reader
def visible_thread_rows(reader: Viewer) -> Select:
    """visible_threads() for listings that read columns rather than objects, selecting
    thread.id; the caller picks its columns with with_only_columns()."""
    return threads_seen(reader, _threads.c.id)


@_per_kind_of_reader
def visible_posts(reader: Viewer) -> Select:
    """Posts whose text the user may read in listings, joined to their threads and boards:
    hidden and deleted ones only for their moderators."""
    return _on_readable_boards(reader, POSTS_WITH_BOARDS, _post_listed(reader), Post)


@_per_kind_of_reader
def visible_post_rows(reader: Viewer) -> Select:
    """visible_posts() for reads of columns, selecting post.id; the caller picks its columns
    with with_only_columns()."""
    return _on_readable_boards(reader, POSTS_WITH_BOARDS, _post_listed(reader), _posts.c.id)


@_per_kind_of_reader
def visible_practices(reader: Viewer) -> Select:
    """Good practices on threads the user may see: the library's and its feed's base."""
    return threads_seen(reader, GoodPractice, through=_PRACTICES_WITH_BOARDS)


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


def membership_requests(reader) -> Select:
    """Confirmed accounts waiting to be let in that the reader may decide on (member.approve):
    every one for admins, those of organisations in a moderator's regions."""
    statement = (
        select(User)
        .join(User.organisation)
        .where(User.membership == Membership.PENDING, User.email_confirmed_at.is_not(None))
    )
    return _in_regions_moderated_by(viewer(reader), statement)


def invitable_organisations(reader) -> Select:
    """The organisations the reader may invite people to (member.invite)."""
    return _in_regions_moderated_by(viewer(reader), select(Organisation))


def open_invitations(reader) -> Select:
    """Invitations not yet accepted to the organisations the reader may invite people to."""
    statement = (
        select(Invitation).join(Invitation.organisation).where(Invitation.accepted_at.is_(None))
    )
    return _in_regions_moderated_by(viewer(reader), statement)


def audit_entries(reader) -> Select:
    """The audit trail the reader may read: all of it for admins; for a moderator, what was
    done to the threads, messages and reports of the boards they moderate and to the members
    of the organisations in the regions they moderate; for anyone else, nothing."""
    return _audit_entries(viewer(reader))


@lru_cache(maxsize=_KINDS_OF_READER)
def _audit_entries(reader: Viewer) -> Select:
    if reader.admin:
        return select(AuditEntry)
    if not (reader.moderated_boards or reader.moderated_regions):
        return select(AuditEntry).where(false())
    moderated = _moderation_clause(reader)
    threads = select(_threads.c.id).select_from(THREADS_WITH_BOARDS).where(moderated)
    posts = select(_posts.c.id).select_from(POSTS_WITH_BOARDS).where(moderated)
    flags = (
        select(Flag.id).join(_posts, _posts.c.id == Flag.post_id)
        .join(_threads, _threads.c.id == _posts.c.thread_id)
        .join(_boards, _boards.c.id == _threads.c.board_id).where(moderated)
    )  # fmt: skip
    members = (
        select(User.id).join(Organisation, Organisation.id == User.organisation_id)
        .where(_any_of(Organisation.region_id, reader.moderated_regions))
    )  # fmt: skip
    about = [(kind, ids) for kind, ids in (("thread", threads), ("post", posts),
                                           ("flag", flags), ("account", members))]  # fmt: skip
    return select(AuditEntry).where(
        or_(*(and_(AuditEntry.target_type == kind, AuditEntry.target_id.in_(ids))
              for kind, ids in about))
    )  # fmt: skip


_events = Event.__table__


@lru_cache(maxsize=_KINDS_OF_READER)
def _event_audience_clause(reader: Viewer) -> ColumnElement[bool]:
    """An event's audience is one of a board's scopes."""
    return _scope_clause(reader, _events.c.audience, _events.c.region_id, _events.c.group_id)


@_per_kind_of_reader
def visible_events(reader: Viewer) -> Select:
    """Events the reader may see: every listing, page and calendar of events starts here."""
    return select(Event).where(_event_audience_clause(reader))


def visible_assessments(user) -> Select:
    """The initial assessments the user may read (assessment.view): their own organisation's,
    those shared with members, and those of the organisations they oversee as staff."""
    user = unwrap(user)
    reader = viewer(user)
    if reader.admin:
        return select(Assessment)
    if not reader.signed_in:
        return select(Assessment).where(false())
    allowed = [Assessment.shared_with_members.is_(True),
               Assessment.organisation_id == user.organisation_id]  # fmt: skip
    if reader.moderated_regions:
        overseen = select(Organisation.id).where(
            _any_of(Organisation.region_id, reader.moderated_regions)
        )
        allowed.append(Assessment.organisation_id.in_(overseen))
    return select(Assessment).where(or_(*allowed))


def _in_regions_moderated_by(reader: Viewer, statement: Select) -> Select:
    """`statement` (which reads Organisation) narrowed to the organisations in the regions the
    reader moderates; for admins, every organisation; for anyone else, none."""
    if reader.admin:
        return statement
    return statement.where(_any_of(Organisation.region_id, reader.moderated_regions))


def _boards_where(condition: ColumnElement[bool]) -> Select:
    return select(_boards.c.id).where(condition)
