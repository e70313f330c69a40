"""Watching: a member's level for a thread, board, tag or tag group, and who hears of a new post.

Replies to a member's own post or thread reach them in the reply's transaction
(notifications.actions), unless they muted the thread. Everyone else hears of a post from the job
worker (tell_watchers_due), from the NewPostFanout row the post's transaction wrote: the request
costs the same whether a thread has no watchers or a thousand.

A member's level for a post: their level for its thread if they chose one; otherwise muted if
they muted its board or any of its tags or tag groups; otherwise the highest of those levels.
"""

from functools import cache

from sqlalchemy import (
    Exists,
    Insert,
    Integer,
    and_,
    bindparam,
    delete,
    literal,
    or_,
    select,
    update,
)

from forum.database import begin_write, dialect_insert, utcnow
from forum.extensions import db
from forum.notifications import bell, mentions
from forum.notifications.models import (
    NEW_THREAD,
    REPLY,
    NewPostFanout,
    Notification,
    NotificationSettings,
    Watch,
    WatchLevel,
    WatchTarget,
)
from forum.tags.models import Tag, thread_tag
from forum.threads.models import Post, PostStatus

FANOUT_QUEUED = "forum.fanout_queued"  # read by forum.jobs after the commit
BATCH = 50
_RANK = {level: rank for rank, level in enumerate(WatchLevel)}


def level_of(user, target: WatchTarget, target_id: int) -> WatchLevel:
    found = db.session.scalar(
        select(Watch.level).where(
            Watch.user_id == user.id, Watch.target == target, Watch.target_id == target_id
        )
    )
    return WatchLevel(found) if found else WatchLevel.NORMAL


def set_level(user, target: WatchTarget, target_id: int, level: WatchLevel) -> None:
    """The member's level for one thread, board, tag or tag group (normal keeps no row)."""
    begin_write()
    db.session.execute(
        delete(Watch).where(
            Watch.user_id == user.id, Watch.target == target, Watch.target_id == target_id
        )
    )
    if level != WatchLevel.NORMAL:
        db.session.add(Watch(user_id=user.id, target=target, target_id=target_id, level=level))
    db.session.commit()


def watches_participated(user) -> bool:
    found = db.session.scalar(
        select(NotificationSettings.watch_participated).where(
            NotificationSettings.user_id == user.id
        )
    )
    return True if found is None else found


def set_watches_participated(user, value: bool) -> None:
    begin_write()
    settings = db.session.get(NotificationSettings, user.id) or NotificationSettings(
        user_id=user.id
    )
    settings.watch_participated = value
    db.session.add(settings)
    db.session.commit()


def join_as_participant(user_id: int, thread_id: int) -> None:
    """In a post's transaction: its author watches the thread, unless they chose a level for
    it already or turned this off; one statement (their setting read by it, not before it)."""
    dialect = db.session.get_bind().dialect.name
    db.session.execute(_participant_watch(dialect), {"user_id": user_id, "thread_id": thread_id})


@cache
def _participant_watch(dialect: str) -> Insert:
    watches, settings = Watch.__table__, NotificationSettings.__table__
    turned_off = select(settings.c.user_id).where(
        settings.c.user_id == bindparam("user_id"), settings.c.watch_participated.is_(False)
    )
    watch = select(
        bindparam("user_id", type_=Integer),
        literal(WatchTarget.THREAD.value),
        bindparam("thread_id", type_=Integer),
        literal(WatchLevel.WATCHING.value),
    ).where(~turned_off.exists())
    columns = ["user_id", "target", "target_id", "level"]
    statement = dialect_insert(dialect)(watches).from_select(columns, watch)
    # Only a missing row is written: a muted thread stays muted.
    return statement.on_conflict_do_nothing(index_elements=["user_id", "target", "target_id"])


def muted(user_id, thread_id) -> Exists:
    """Whether the member (a column or parameter) muted the thread: a condition of a statement
    that writes to those who did not, so that it is not asked first."""
    return (
        select(Watch.user_id)
        .where(
            Watch.user_id == user_id,
            Watch.target == WatchTarget.THREAD,
            Watch.target_id == thread_id,
            Watch.level == WatchLevel.MUTED,
        )
        .exists()
    )


def fan_out_later(post_id: int) -> None:
    """In a post's transaction: its watchers are told by the job worker once it commits."""
    db.session.add(NewPostFanout(post_id=post_id, created_at=utcnow()))
    db.session.info[FANOUT_QUEUED] = True


def tell_watchers_due(limit: int = BATCH) -> int:
    """The job worker's part: tell the watchers of each new post not yet done, each post once
    (its row is marked done in the transaction that writes its notifications). Returns how many
    posts it did."""
    pending = db.session.scalars(
        select(NewPostFanout.id)
        .where(NewPostFanout.done_at.is_(None))
        .order_by(NewPostFanout.id)
        .limit(limit)
    ).all()
    done = 0
    for fanout_id in pending:
        begin_write()
        claimed = db.session.execute(
            update(NewPostFanout)
            .where(NewPostFanout.id == fanout_id, NewPostFanout.done_at.is_(None))
            .values(done_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            post_id = db.session.scalar(
                select(NewPostFanout.post_id).where(NewPostFanout.id == fanout_id)
            )
            _tell_watchers(db.session.get(Post, post_id))
            done += 1
        db.session.commit()
    return done


def _tell_watchers(post: Post) -> None:
    if post is None or post.status != PostStatus.VISIBLE:
        return  # nothing about hidden or pending posts
    opening = post.depth == 0
    wanted = {
        user_id
        for user_id, level in _levels_for(post).items()
        if level == WatchLevel.WATCHING or (opening and level == WatchLevel.FIRST_POST)
    }
    wanted.discard(post.author_id)
    wanted -= set(
        db.session.scalars(select(Notification.recipient_id).where(Notification.post_id == post.id))
    )
    # Whoever wrote in the thread after it (before this ran) has seen it.
    wanted -= set(
        db.session.scalars(
            select(Post.author_id).where(Post.thread_id == post.thread_id, Post.id > post.id)
        )
    )
    recipients = mentions.who_may_read(post.id, wanted)
    now = utcnow()
    db.session.add_all(
        Notification(recipient_id=user_id, kind=NEW_THREAD if opening else REPLY,
                     thread_id=post.thread_id, post_id=post.id, actor_id=post.author_id,
                     created_at=now)
        for user_id in sorted(recipients)
    )  # fmt: skip
    bell.recount_soon(recipients)


def _levels_for(post: Post) -> dict[int, WatchLevel]:
    """Each watcher's level for the post, by the rule in this module's docstring."""
    thread = post.thread
    tags = db.session.execute(
        select(Tag.id, Tag.group_id).join(thread_tag, thread_tag.c.tag_id == Tag.id)
        .where(thread_tag.c.thread_id == thread.id)
    ).all()  # fmt: skip
    groups = {group_id for _tag_id, group_id in tags}
    targets = [(WatchTarget.THREAD, thread.id), (WatchTarget.BOARD, thread.board_id),
               *((WatchTarget.TAG, tag_id) for tag_id, _group_id in tags),
               *((WatchTarget.TAG_GROUP, group_id) for group_id in groups)]  # fmt: skip
    rows = db.session.execute(
        select(Watch.user_id, Watch.target, Watch.level).where(
            or_(*(and_(Watch.target == kind, Watch.target_id == id_) for kind, id_ in targets))
        )
    ).all()
    by_member: dict[int, dict] = {}
    for user_id, target, level in rows:
        chosen = by_member.setdefault(user_id, {"thread": None, "others": []})
        if target == WatchTarget.THREAD:
            chosen["thread"] = WatchLevel(level)
        else:
            chosen["others"].append(WatchLevel(level))
    levels = {}
    for user_id, chosen in by_member.items():
        if chosen["thread"] is not None:
            levels[user_id] = chosen["thread"]
        elif WatchLevel.MUTED in chosen["others"]:
            levels[user_id] = WatchLevel.MUTED
        else:
            levels[user_id] = max(chosen["others"], key=_RANK.__getitem__)
    return levels
