"""Notifications by e-mail, for members who chose it per kind: news of posts (replies, mentions,
new threads where they watch, their good practices) and what staff did to their posts.

Each kind is off, soon or in a digest. Soon: the job worker mails a member once their oldest
unmailed notification is BATCH_WINDOW old, with everything unmailed since, so several replies in
a few minutes make one message. A digest: daily, or weekly on Mondays, at DIGEST_HOUR in the
forum's time zone (Europe/Helsinki, summer time or not), and only to a member who has not been
back on the forum since the last one (Discourse's rule); `digest_sent_at` moves on either way,
so one visit never stops digests for good. Notifications are marked mailed in the transaction
that writes the message (each mailed once); one the member has read, or may no longer read, is
not mailed. Mail about a board that is not
public carries the thread's title and a link, never a post's text. Each message has a one-click
unsubscribe link for its kind (RFC 8058), signed, so that it needs no sign-in.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, false, func, or_, select, update

from forum.auth.models import Membership, User
from forum.boards.models import Board, BoardVisibility
from forum.database import begin_write, utcnow
from forum.extensions import db
from forum.mail.actions import queue_mail, site_url
from forum.notifications import queries
from forum.notifications.models import (
    POST_KINDS,
    Notification,
    NotificationSettings,
)
from forum.threads.models import Post, Thread

BATCH_WINDOW = timedelta(minutes=5)
EXCERPT_LENGTH = 300
OFF, SOON, DIGEST = "off", "soon", "digest"
DAILY, WEEKLY = "daily", "weekly"
DIGEST_HOUR = 7
KINDS = ("posts", "staff")  # the choices: NotificationSettings.mail_<kind>


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notification-unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (user_id, kind) if kind in KINDS and isinstance(user_id, int) else None


def mail_choice(user, kind: str) -> str:
    settings = db.session.get(NotificationSettings, user.id)
    return getattr(settings, f"mail_{kind}") if settings else OFF


def set_mail_choice(user_id: int, kind: str, choice: str) -> None:
    begin_write()
    settings = db.session.get(NotificationSettings, user_id) or NotificationSettings(
        user_id=user_id
    )
    setattr(settings, f"mail_{kind}", choice)
    if choice == DIGEST and settings.digest_sent_at is None:
        settings.digest_sent_at = utcnow()  # the first digest at the next digest hour
    db.session.add(settings)
    db.session.commit()


def digest_every(user) -> str:
    settings = db.session.get(NotificationSettings, user.id)
    return settings.digest_every if settings else DAILY


def set_digest_every(user_id: int, every: str) -> None:
    begin_write()
    settings = db.session.get(NotificationSettings, user_id) or NotificationSettings(
        user_id=user_id
    )
    settings.digest_every = every
    db.session.add(settings)
    db.session.commit()


def digest_hour_before(now: datetime, every: str, zone: ZoneInfo) -> datetime:
    """The latest digest time at or before `now`: DIGEST_HOUR o'clock in `zone`, that day or,
    weekly, that week's Monday (wall-clock time, whatever the UTC offset of the day)."""
    local = now.astimezone(zone)
    day = local.date() if local.time() >= time(DIGEST_HOUR) else local.date() - timedelta(days=1)
    if every == WEEKLY:
        day -= timedelta(days=day.weekday())
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=zone)


def _kind_of(notification_kind: str) -> str:
    return "staff" if notification_kind.startswith("post.") else "posts"


def _wants(kind: str, how: str):
    column = getattr(NotificationSettings, f"mail_{kind}")
    by_staff = Notification.kind.startswith("post.")
    return and_(column == how, ~by_staff if kind == "posts" else by_staff)


def mail_due(now=None) -> int:
    """The job worker's part: one message to each member whose batch is due. Returns how many
    messages it wrote."""
    now = now or utcnow()
    waiting = (
        select(Notification.recipient_id)
        .join(NotificationSettings, NotificationSettings.user_id == Notification.recipient_id)
        .where(
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            or_(*(_wants(kind, SOON) for kind in KINDS)),
        )
        .group_by(Notification.recipient_id)
        .having(func.min(Notification.created_at) <= now - BATCH_WINDOW)
    )
    written = 0
    for recipient_id in db.session.scalars(waiting).all():
        begin_write()
        written += _mail_one(recipient_id, SOON, now)
    return written


def digests_due(now=None) -> int:
    """The job worker's part: a digest to each member whose digest hour has come since their
    last one. Returns how many it wrote."""
    now = now or utcnow()
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    hours = {every: digest_hour_before(now, every, zone) for every in (DAILY, WEEKLY)}
    sent = NotificationSettings.digest_sent_at
    # Only those whose digest hour has come: the job runs every quarter of an hour.
    wanting = select(NotificationSettings.user_id, NotificationSettings.digest_every).where(
        or_(*(getattr(NotificationSettings, f"mail_{kind}") == DIGEST for kind in KINDS)),
        or_(*(and_(NotificationSettings.digest_every == every, or_(sent.is_(None), sent < hour))
              for every, hour in hours.items())),
    )  # fmt: skip
    written = 0
    for user_id, every in db.session.execute(wanting).all():
        due = hours[every]
        begin_write()
        previous = db.session.scalar(
            select(NotificationSettings.digest_sent_at).where(
                NotificationSettings.user_id == user_id
            )
        )
        # Claimed in the transaction that writes the digest: two workers send it once.
        claimed = db.session.execute(
            update(NotificationSettings)
            .where(
                NotificationSettings.user_id == user_id,
                or_(NotificationSettings.digest_sent_at.is_(None),
                    NotificationSettings.digest_sent_at < due),
            )
            .values(digest_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        seen = db.session.scalar(select(User.last_seen_at).where(User.id == user_id))
        if claimed and not (previous and seen and seen > previous):
            written += _mail_one(user_id, DIGEST, now)
        else:
            db.session.commit()
    return written


@dataclass
class _Item:
    kind: str  # the notification's
    mail_kind: str  # the choice it comes under ("posts", "staff")
    title: str
    link: str
    actor: str
    excerpt: str  # "" where the board is not public
    reason: str


def _mail_one(recipient_id: int, how: str, now) -> int:
    """In the caller's write transaction, which this commits: one message of the member's
    unmailed notifications of the kinds they want `how` (soon, or in a digest)."""
    member = db.session.get(User, recipient_id)
    settings = db.session.get(NotificationSettings, recipient_id)
    wanted = [kind for kind in KINDS if getattr(settings, f"mail_{kind}") == how]
    in_good_standing = (
        member.active
        and member.email_confirmed_at is not None
        and member.membership == Membership.APPROVED
        and not (member.suspended_until and member.suspended_until > now)
    )
    mine = (
        select(Notification.id)
        .where(
            Notification.recipient_id == recipient_id,
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            or_(false(), *(_wants(kind, how) for kind in wanted)),
        )
        .join(NotificationSettings, NotificationSettings.user_id == Notification.recipient_id)
    )
    ids = db.session.scalars(mine).all()
    # Claimed first: a notification is mailed once, or (not in good standing) never.
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.mailed_at.is_(None))
        .values(mailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed or not in_good_standing:
        db.session.commit()
        return 0
    items = _readable_items(member, ids)
    if items:
        kinds = sorted({item.mail_kind for item in items})
        links = {
            kind: site_url("notifications.unsubscribe", token=unsubscribe_token(member.id, kind))
            for kind in kinds
        }
        queue_mail(
            "notifications", to=member.email, locale=member.locale, name=member.display_name,
            items=items, settings_link=site_url("notifications.settings"),
            unsubscribe_links=links,
            headers={"List-Unsubscribe": ", ".join(f"<{link}>" for link in links.values()),
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )  # fmt: skip
    db.session.commit()
    return 1 if items else 0


def _readable_items(member: User, ids) -> list[_Item]:
    """What of these notifications the member may still read, as the message lists them."""
    rows = db.session.execute(
        queries.mine(member)
        .with_only_columns(
            Notification.kind, Notification.reason, Notification.post_id, Thread.title,
            Board.visibility, Post.body_text, User.display_name,
        )
        .join(Post, Post.id == Notification.post_id)
        .join(Thread, Thread.id == Notification.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .outerjoin(User, User.id == Notification.actor_id)
        .where(Notification.id.in_(ids))
        .order_by(Notification.created_at, Notification.id)
    ).all()  # fmt: skip
    items = []
    for row in rows:
        public = row.visibility == BoardVisibility.PUBLIC and row.kind in POST_KINDS
        excerpt = row.body_text[:EXCERPT_LENGTH] if public else ""
        items.append(_Item(row.kind, _kind_of(row.kind), row.title,
                           site_url("threads.permalink", post_id=row.post_id),
                           row.display_name or "", excerpt, row.reason))  # fmt: skip
    return items
