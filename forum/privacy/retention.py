"""How long the forum keeps what it keeps (the privacy notice reads these), and the nightly job
that removes what has outlived its time. Sessions have their own job (auth.actions)."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select

from forum.database import begin_write, utcnow
from forum.events.models import Event, Registration
from forum.extensions import db
from forum.mail.models import OutboxMessage
from forum.notifications import bell
from forum.notifications.models import Notification
from forum.privacy import export

NOTIFICATIONS_READ_KEPT = timedelta(days=180)
NOTIFICATIONS_UNREAD_KEPT = timedelta(days=365)
SENT_MAIL_KEPT = timedelta(days=30)
# Who came to an event matters for a while after it (materials, a follow-up), not for ever.
SIGN_UPS_KEPT = timedelta(days=180)


@dataclass(frozen=True)
class Periods:
    """Days each kind of data is kept, as the privacy notice states them."""

    notifications_read: int
    notifications_unread: int
    sessions: int
    mail: int
    exports: int
    backups: int
    sign_ups: int


def periods() -> Periods:
    config = current_app.config
    return Periods(
        notifications_read=NOTIFICATIONS_READ_KEPT.days,
        notifications_unread=NOTIFICATIONS_UNREAD_KEPT.days,
        sessions=max(config["REMEMBER_COOKIE_DURATION"], config["SESSION_LIFETIME"]).days,
        mail=SENT_MAIL_KEPT.days,
        exports=export.EXPORT_KEPT.days,
        backups=config["FORUM_BACKUPS_KEPT_DAYS"],
        sign_ups=SIGN_UPS_KEPT.days,
    )


def remove_outlived() -> dict[str, int]:
    """Remove old notifications, mail sent long ago and copies past their time; returns how
    many of each went."""
    now = utcnow()
    begin_write()
    outlived = or_(
        and_(Notification.read_at.is_not(None),
             Notification.created_at < now - NOTIFICATIONS_READ_KEPT),
        Notification.created_at < now - NOTIFICATIONS_UNREAD_KEPT,
    )  # fmt: skip
    bell.recount_soon(db.session.scalars(
        select(Notification.recipient_id).where(outlived, Notification.read_at.is_(None))
    ))  # fmt: skip
    notifications = db.session.execute(delete(Notification).where(outlived)).rowcount
    mail = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < now - SENT_MAIL_KEPT
        )
    ).rowcount
    long_over = select(Event.id).where(Event.ends_at < now - SIGN_UPS_KEPT)
    sign_ups = db.session.execute(
        delete(Registration).where(Registration.event_id.in_(long_over))
    ).rowcount
    db.session.commit()
    return {"notifications": notifications, "mail": mail, "sign_ups": sign_ups,
            "exports": export.remove_expired()}  # fmt: skip
