"""A member's copy of everything the forum holds about them (the right of access, GDPR art. 15
and 20): asked for on their data page, prepared by the job worker as a zip of a machine-readable
data.json and a readable index.html, offered for EXPORT_KEPT, then removed.

Only what is about the member: their account, messages with earlier versions, reports, news,
choices, sign-ins (never the session secrets), good practices tried, invitations sent, the
staff actions they took and the mail sent to them. Other members' messages are not included.
"""

import io
import json
import zipfile
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import delete, select, update

from forum.audit.models import AuditEntry
from forum.auth.models import Invitation, User, UserSession
from forum.database import begin_write, utcnow
from forum.events.models import CalendarFeed, Event, Registration
from forum.extensions import db
from forum.goals.models import Goal, GoalUpdate
from forum.groups.models import GroupMember, TrainingGroup
from forum.i18n import speaking
from forum.mail.actions import queue_mail, site_url
from forum.mail.models import OutboxMessage
from forum.moderation.models import Flag
from forum.notifications.models import Notification, NotificationSettings, Watch
from forum.organisations.models import Assessment
from forum.practices.models import Adoption, GoodPractice
from forum.privacy.models import DataExport
from forum.regions.models import Organisation, Region
from forum.threads.models import Post, PostRevision, Thread, ThreadReadMark

EXPORT_KEPT = timedelta(days=7)
EXPORT_QUEUED = "forum.export_queued"  # read by forum.jobs after the commit
FORMAT_VERSION = 1


def request_export(user) -> DataExport:
    """Ask for a copy; one waiting at a time (asking again returns it)."""
    begin_write()
    waiting = db.session.scalar(
        select(DataExport).where(DataExport.user_id == user.id, DataExport.ready_at.is_(None))
    )
    if waiting is None:
        waiting = DataExport(user_id=user.id, requested_at=utcnow())
        db.session.add(waiting)
    db.session.info[EXPORT_QUEUED] = True
    db.session.commit()
    return waiting


def exports_of(user) -> list[DataExport]:
    """The member's copies, newest first, without their content."""
    return db.session.execute(
        select(DataExport.id, DataExport.requested_at, DataExport.ready_at, DataExport.expires_at)
        .where(DataExport.user_id == user.id)
        .order_by(DataExport.requested_at.desc(), DataExport.id.desc())
        .limit(5)
    ).all()


def offered(user, export_id: int) -> bytes | None:
    """The zip of one of the member's ready copies, if it is still offered."""
    return db.session.scalar(
        select(DataExport.content).where(
            DataExport.id == export_id,
            DataExport.user_id == user.id,
            DataExport.ready_at.is_not(None),
            DataExport.expires_at > utcnow(),
        )
    )


def prepare_due() -> int:
    """The job worker's part: prepare each copy asked for, once, and mail its owner in the
    transaction that stores it. Returns how many it prepared."""
    waiting = db.session.execute(
        select(DataExport.id, DataExport.user_id).where(DataExport.ready_at.is_(None))
    ).all()
    db.session.rollback()
    done = 0
    for export_id, user_id in waiting:
        user = db.session.get(User, user_id)
        content = _zip(collect(user), user.locale)
        begin_write()
        now = utcnow()
        stored = db.session.execute(
            update(DataExport)
            .where(DataExport.id == export_id, DataExport.ready_at.is_(None))
            .values(content=content, ready_at=now, expires_at=now + EXPORT_KEPT)
            .execution_options(synchronize_session=False)
        ).rowcount
        if stored:  # another worker did not get there first
            queue_mail("data_export_ready", to=user.email, locale=user.locale,
                       name=user.display_name, expires_at=now + EXPORT_KEPT,
                       url=site_url("privacy.data"))  # fmt: skip
            done += 1
        db.session.commit()
    return done


def remove_expired() -> int:
    """Retention: copies past their time go, with their content."""
    begin_write()
    removed = db.session.execute(
        delete(DataExport).where(DataExport.expires_at <= utcnow())
    ).rowcount
    db.session.commit()
    return removed


def _rows(statement) -> list[dict]:
    return [dict(row) for row in db.session.execute(statement).mappings()]


def collect(user: User) -> dict:
    """Everything the forum holds about the member, as JSON-ready values."""
    account = User.__table__.c
    profile = _rows(
        select(account.id, account.display_name, account.email, account.locale, account.role,
               account.membership, account.created_at, account.email_confirmed_at,
               account.last_seen_at, account.suspended_until, account.suspension_reason,
               Organisation.name.label("organisation"), Region.slug.label("region"))
        .join(Organisation, Organisation.id == account.organisation_id)
        .join(Region, Region.id == Organisation.region_id)
        .where(account.id == user.id)
    )[0]  # fmt: skip
    posts = _rows(
        select(Post.id, Post.thread_id, Thread.title.label("thread_title"),
               (Post.depth == 0).label("opens_thread"), Post.parent_id, Post.language,
               Post.body_source.label("text"), Post.created_at, Post.edited_at, Post.status,
               Post.status_reason)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id)
        .order_by(Post.created_at, Post.id)
    )  # fmt: skip
    revisions: dict[int, list] = {}
    for row in _rows(
        select(PostRevision.post_id, PostRevision.body_source.label("text"),
               PostRevision.written_at, PostRevision.replaced_at, PostRevision.reason)
        .join(Post, Post.id == PostRevision.post_id)
        .where(Post.author_id == user.id)
        .order_by(PostRevision.written_at, PostRevision.id)
    ):  # fmt: skip
        revisions.setdefault(row.pop("post_id"), []).append(row)
    for post in posts:
        post["earlier_versions"] = revisions.get(post["id"], [])
    return {
        "format_version": FORMAT_VERSION,
        "prepared_at": utcnow(),
        "profile": profile,
        "messages": posts,
        "reports_made": _rows(
            select(
                Flag.post_id, Flag.reason, Flag.note, Flag.status, Flag.created_at, Flag.resolved_at
            )
            .where(Flag.reporter_id == user.id)
            .order_by(Flag.created_at)
        ),  # fmt: skip
        "notifications": _rows(
            select(
                Notification.kind,
                Notification.thread_id,
                Thread.title.label("thread_title"),
                Notification.post_id,
                Notification.reason,
                Notification.created_at,
                Notification.read_at,
                Notification.mailed_at,
            )
            .join(Thread, Thread.id == Notification.thread_id)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.created_at)
        ),  # fmt: skip
        "notification_settings": _rows(
            select(
                NotificationSettings.watch_participated,
                NotificationSettings.mail_posts,
                NotificationSettings.mail_staff,
                NotificationSettings.digest_every,
                NotificationSettings.digest_sent_at,
            ).where(NotificationSettings.user_id == user.id)
        ),  # fmt: skip
        "watching": _rows(
            select(Watch.target, Watch.target_id, Watch.level).where(Watch.user_id == user.id)
        ),
        "threads_read": _rows(
            select(ThreadReadMark.thread_id, ThreadReadMark.read_up_to)
            .where(ThreadReadMark.user_id == user.id)
            .order_by(ThreadReadMark.thread_id)
        ),  # fmt: skip
        "sign_ins": _rows(
            select(UserSession.created_at, UserSession.expires_at)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at)
        ),  # fmt: skip
        "training_groups": _rows(
            select(
                TrainingGroup.slug.label("group"),
                GroupMember.status,
                GroupMember.invited_at,
                GroupMember.joined_at,
            )
            .join(TrainingGroup, TrainingGroup.id == GroupMember.group_id)
            .where(GroupMember.user_id == user.id)
            .order_by(GroupMember.invited_at)
        ),  # fmt: skip
        "event_sign_ups": _rows(
            select(
                Event.title.label("event"),
                Event.starts_at,
                Registration.status,
                Registration.created_at,
            )
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.user_id == user.id)
            .order_by(Registration.created_at)
        ),  # fmt: skip
        "calendar_addresses": _rows(
            select(CalendarFeed.created_at, CalendarFeed.revoked_at)
            .where(CalendarFeed.user_id == user.id)
            .order_by(CalendarFeed.created_at)
        ),  # fmt: skip
        "goal_updates_written": _rows(
            select(
                Goal.title.label("goal"),
                GoalUpdate.created_at,
                GoalUpdate.language,
                GoalUpdate.body,
                GoalUpdate.status_before,
                GoalUpdate.status_after,
            )
            .join(Goal, Goal.id == GoalUpdate.goal_id)
            .where(GoalUpdate.author_id == user.id)
            .order_by(GoalUpdate.created_at)
        ),  # fmt: skip
        "assessments_written": _rows(
            select(
                Organisation.name.label("organisation"),
                Assessment.version,
                Assessment.created_at,
                Assessment.language,
                Assessment.approaches,
                Assessment.works_well,
                Assessment.challenges,
                Assessment.information_needs,
            )
            .join(Organisation, Organisation.id == Assessment.organisation_id)
            .where(Assessment.author_id == user.id)
            .order_by(Assessment.created_at)
        ),  # fmt: skip
        "good_practices_tried": _rows(
            select(Thread.title.label("practice"), Adoption.comment, Adoption.created_at)
            .join(GoodPractice, GoodPractice.id == Adoption.practice_id)
            .join(Thread, Thread.id == GoodPractice.thread_id)
            .where(Adoption.user_id == user.id)
            .order_by(Adoption.created_at)
        ),  # fmt: skip
        "invitations_sent": _rows(
            select(Invitation.email, Invitation.created_at, Invitation.accepted_at)
            .where(Invitation.invited_by_id == user.id)
            .order_by(Invitation.created_at)
        ),  # fmt: skip
        "staff_actions": _rows(
            select(
                AuditEntry.action,
                AuditEntry.target_type,
                AuditEntry.target_id,
                AuditEntry.reason,
                AuditEntry.created_at,
            )
            .where(AuditEntry.actor_id == user.id)
            .order_by(AuditEntry.created_at)
        ),  # fmt: skip
        "mail_sent_to_you": _rows(
            select(
                OutboxMessage.kind,
                OutboxMessage.subject,
                OutboxMessage.created_at,
                OutboxMessage.sent_at,
            )
            .where(OutboxMessage.recipient == user.email)
            .order_by(OutboxMessage.created_at)
        ),  # fmt: skip
    }


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _zip(data: dict, locale: str) -> bytes:
    with speaking(locale):
        page = render_template("privacy/export.html", data=data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, default=_json_value, ensure_ascii=False,
                                                 indent=2))  # fmt: skip
        archive.writestr("index.html", page)
    return buffer.getvalue()
