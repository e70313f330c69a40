"""What a reader's bell counts and their notifications page lists: only notifications about
posts the reader may read now (policy.visible_post_rows)."""

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, func, or_, select

from forum import policy
from forum.auth.models import User
from forum.boards.models import Board
from forum.database import paged
from forum.extensions import db
from forum.i18n import localized
from forum.notifications.models import (
    MENTION,
    NEW_THREAD,
    POST_KINDS,
    Notification,
    Watch,
    WatchTarget,
)
from forum.regions.models import Organisation
from forum.tags.models import Tag, TagGroup
from forum.threads.models import Post, Thread

PAGE_LENGTH = 50
# The bell counts this far; beyond it, it says "99+".
BELL_CAP = 99


_notifications = Notification.__table__


def mine(reader) -> Select:
    """The reader's notifications about what they may still read."""
    return select(Notification).where(
        Notification.recipient_id == reader.id, _readable(policy.viewer(reader))
    )


@lru_cache(maxsize=512)
def _readable(reader: policy.Viewer):
    """Whether the reader may still read what the notification is about, asked of each of the
    reader's notifications (an index lookup each), not by gathering everything readable: the
    post of a reply; the board of a post staff changed (a hidden post is not readable, and its
    author is told all the same)."""
    posts, boards = Post.__table__, Board.__table__
    notified = Thread.__table__.alias("notified_thread")  # apart from a thread the outer reads
    # Correlated to the notification only: each EXISTS is asked of the row it stands in.
    readable_post = (
        policy.visible_post_rows(reader)
        .with_only_columns(posts.c.id)
        .where(posts.c.id == _notifications.c.post_id)
        .correlate(_notifications)
        .exists()
    )
    readable_board = (
        policy.visible_boards(reader)
        .with_only_columns(boards.c.id)
        .join(notified, notified.c.board_id == boards.c.id)
        .where(notified.c.id == _notifications.c.thread_id)
        .correlate(_notifications)
        .exists()
    )
    about_a_post = or_(*(_notifications.c.kind == kind for kind in POST_KINDS))
    return or_(and_(about_a_post, readable_post), and_(~about_a_post, readable_board))


@lru_cache(maxsize=512)
def unread_count_statement(reader: policy.Viewer) -> Select:
    """The count of a recipient's unread notifications they may still read (bound as
    recipient_id), up to BELL_CAP + 1: each is asked whether it is still readable, and a reader
    with 1,300 unread notifications cost a page 10 M instructions more than one with none.
    Built once per kind of reader, of plain columns."""
    unread = (
        select(_notifications.c.id)
        .where(
            _notifications.c.recipient_id == bindparam("recipient_id"),
            _notifications.c.read_at.is_(None),
            _readable(reader),
        )
        .limit(BELL_CAP + 1)
        .subquery()
    )
    return select(func.count()).select_from(unread)


def unread_count(reader) -> int:
    """The reader's unread notifications they may still read, up to BELL_CAP + 1."""
    statement = unread_count_statement(policy.viewer(reader))
    return db.session.scalar(statement, {"recipient_id": reader.id}) or 0


@dataclass
class ThreadNews:
    """A reader's notifications about one thread, newest first."""

    thread_id: int
    title: str
    language: str
    unread: int = 0
    new_thread: bool = False  # among them, the thread's start, in a board or tag watched
    mentioned: bool = False  # among them, unread, a mention of the reader
    actors: list[str] = field(default_factory=list)
    latest: object = None  # when the newest was written


def by_thread(reader) -> list[ThreadNews]:
    """The reader's newest notifications, grouped per thread, the thread with the newest first."""
    rows = db.session.execute(
        mine(reader)
        .with_only_columns(
            Notification.thread_id, Notification.read_at, Notification.created_at,
            Notification.kind, Thread.title, Thread.language, User.display_name,
        )
        .where(Notification.kind.in_(POST_KINDS))
        .join(Thread, Thread.id == Notification.thread_id)
        .outerjoin(User, User.id == Notification.actor_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_LENGTH)
    ).all()  # fmt: skip
    groups: dict[int, ThreadNews] = {}
    for row in rows:
        news = groups.get(row.thread_id)
        if news is None:
            news = groups[row.thread_id] = ThreadNews(row.thread_id, row.title, row.language,
                                                      latest=row.created_at)  # fmt: skip
        news.unread += row.read_at is None
        news.new_thread |= row.kind == NEW_THREAD
        news.mentioned |= row.kind == MENTION and row.read_at is None
        if row.display_name and row.display_name not in news.actors:
            news.actors.append(row.display_name)
    return list(groups.values())


def first_unread_post(reader, thread_id: int) -> int | None:
    """The earliest unread notified post of the thread the reader may read, else the latest."""
    thread_news = (
        mine(reader)
        .where(Notification.thread_id == thread_id, Notification.kind.in_(POST_KINDS))
        .with_only_columns(Notification.post_id)
    )
    unread = thread_news.where(Notification.read_at.is_(None))
    found = db.session.scalar(unread.order_by(Notification.created_at, Notification.id).limit(1))
    if found is not None:
        return found
    latest = thread_news.order_by(Notification.id.desc())
    return db.session.scalar(latest.limit(1))


def from_staff(reader) -> list:
    """What staff did to the reader's posts, newest first: rows of (id, kind, reason, read_at,
    created_at, post_id, title, language)."""
    return db.session.execute(
        mine(reader)
        .with_only_columns(
            Notification.id, Notification.kind, Notification.reason, Notification.read_at,
            Notification.created_at, Notification.post_id, Thread.title, Thread.language,
        )
        .where(Notification.kind.startswith("post."))
        .join(Thread, Thread.id == Notification.thread_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_LENGTH)
    ).all()  # fmt: skip


def about_practices(reader) -> list:
    """News of the reader's good practices, newest first: rows of (id, kind, read_at,
    created_at, title, language, organisation_name), the organisation being the one that acted."""
    return db.session.execute(
        mine(reader)
        .with_only_columns(
            Notification.id, Notification.kind, Notification.read_at, Notification.created_at,
            Thread.title, Thread.language, Organisation.name.label("organisation_name"),
        )
        .where(Notification.kind.startswith("practice."))
        .join(Thread, Thread.id == Notification.thread_id)
        .outerjoin(User, User.id == Notification.actor_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_LENGTH)
    ).all()  # fmt: skip


def post_of(reader, notification_id: int) -> int | None:
    """The post a notification of the reader's is about, if they may still read it."""
    one = mine(reader).where(Notification.id == notification_id)
    return db.session.scalar(one.with_only_columns(Notification.post_id))


@dataclass
class Watched:
    """A thread, board, tag or tag group the reader chose a level for."""

    target: str
    name: str
    level: str
    endpoint: str  # the page for changing the level
    values: dict


def watched(reader, *, offset: int, limit: int) -> tuple[list[Watched], int]:
    """A page of what the reader watches or muted that they may still see, and how many there
    are: boards, tags and tag groups first (a few, from the taxonomy), then threads, each kind
    by name. Threads come a page at a time: taking part watches a thread, and an active member
    has hundreds."""
    chosen: dict[str, dict[int, str]] = {}
    for target, target_id, level in db.session.execute(
        select(Watch.target, Watch.target_id, Watch.level)
        .where(Watch.user_id == reader.id, Watch.target != WatchTarget.THREAD)
    ):  # fmt: skip
        chosen.setdefault(target, {})[target_id] = level
    found: list[Watched] = []
    if ids := chosen.get(WatchTarget.BOARD):
        statement = policy.visible_boards(reader).where(Board.id.in_(sorted(ids)))
        for board in db.session.scalars(statement):
            found.append(Watched(WatchTarget.BOARD, localized(board, "name"), ids[board.id],
                                 "notifications.watch_board", {"slug": board.slug}))  # fmt: skip
    for target, model, endpoint in (
        (WatchTarget.TAG, Tag, "notifications.watch_tag"),
        (WatchTarget.TAG_GROUP, TagGroup, "notifications.watch_tag_group"),
    ):
        if ids := chosen.get(target):
            for item in db.session.scalars(select(model).where(model.id.in_(sorted(ids)))):
                found.append(Watched(target, localized(item, "name"), ids[item.id], endpoint,
                                     {"slug": item.slug}))  # fmt: skip
    order = list(WatchTarget)
    found.sort(key=lambda item: (order.index(item.target), item.name.lower()))
    shown = found[offset : offset + limit]
    threads_page, threads_counted = _watched_threads(policy.viewer(reader))
    parameters = {"reader_id": reader.id}
    if len(shown) < limit:
        window = {"limit": limit - len(shown), "offset": max(0, offset - len(found))}
        rows = db.session.execute(threads_page, {**parameters, **window})
        for thread_id, title, level in rows:
            shown.append(Watched(WatchTarget.THREAD, title, level, "notifications.watch_thread",
                                 {"thread_id": thread_id}))  # fmt: skip
    return shown, len(found) + db.session.scalar(threads_counted, parameters)


@lru_cache(maxsize=64)
def _watched_threads(reader: policy.Viewer) -> tuple[Select, Select]:
    """A page of the threads the reader chose a level for, by title, and how many they are."""
    chosen = (
        policy.visible_threads(reader)
        .join(Watch, and_(Watch.target == WatchTarget.THREAD, Watch.target_id == Thread.id))
        .where(Watch.user_id == bindparam("reader_id"))
    )
    page = chosen.with_only_columns(Thread.id, Thread.title, Watch.level)
    return (paged(page.order_by(func.lower(Thread.title), Thread.id)),
            chosen.with_only_columns(func.count()))  # fmt: skip
