"""Leaving the forum (the right to erasure, GDPR art. 17): the member, or an administrator at
their request, erases the account.

The account's row stays as a tombstone, so that what others wrote in reply, the moderation
record and the audit log keep their shape; everything on it that names or reaches the person
goes: name, address, password, sessions, tokens, notifications, choices, read marks, training
groups, event sign-ups (their places go to the waiting lists), calendar addresses, copies of
their data, mail to them, the address an invitation was sent to. Their messages stay under "a
former member" or are removed, as they choose; either way the earlier versions of their
messages are purged. Removed messages leave the search index with their text
(forum.search.index follows the status and text).
"""

from secrets import token_hex

from sqlalchemy import delete, or_, select, update
from werkzeug.security import check_password_hash

from forum.audit.actions import record
from forum.auth.actions import WrongPassword, end_all_sessions
from forum.auth.models import AccountToken, Invitation, User
from forum.database import begin_write, utcnow
from forum.events.actions import give_up_every_place
from forum.events.models import CalendarFeed
from forum.extensions import db
from forum.groups.models import GroupMember
from forum.mail.models import OutboxMessage
from forum.notifications.models import Notification, NotificationSettings, Watch
from forum.privacy.models import DataExport
from forum.threads.actions import change_status
from forum.threads.models import BoardReadMark, Post, PostRevision, PostStatus, ThreadReadMark

# What is kept only for the member: each table by its column naming them.
_ABOUT_THE_MEMBER = (Notification.recipient_id, Watch.user_id, NotificationSettings.user_id,
                     ThreadReadMark.user_id, BoardReadMark.user_id, AccountToken.user_id,
                     DataExport.user_id, GroupMember.user_id, CalendarFeed.user_id)  # fmt: skip


class LastAdministrator(Exception):
    """The only active administrator cannot erase their own account: nobody could run the
    forum afterwards."""


def erase_account(member: User, *, by: User, remove_posts: bool, reason: str = "") -> None:
    """Erase the member's account, keeping or removing their messages; audited, one commit."""
    begin_write()
    if member.role == "admin" and _active_admins() <= 1:
        db.session.rollback()
        raise LastAdministrator
    own_posts = select(Post.id).where(Post.author_id == member.id)
    db.session.execute(delete(PostRevision).where(PostRevision.post_id.in_(own_posts)))
    if remove_posts:
        for post in db.session.scalars(select(Post).where(Post.author_id == member.id)):
            if post.status != PostStatus.DELETED:
                change_status(post, PostStatus.DELETED, by=member, reason="",
                              action="post.delete")  # fmt: skip
            post.body_source = post.body_html = post.body_text = ""
    end_all_sessions(member)
    give_up_every_place(member)
    address = member.email
    for column in _ABOUT_THE_MEMBER:
        db.session.execute(delete(column.table).where(column == member.id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == address))
    db.session.execute(
        update(Invitation)
        .where(or_(Invitation.account_id == member.id, Invitation.email == address))
        .values(email=f"erased-{member.id}@invalid")
    )
    member.display_name = ""
    member.email = f"erased-{member.id}@invalid"
    member.password_hash = f"!erased-{token_hex(16)}"
    member.active = False
    member.suspension_reason = ""
    member.last_seen_at = None
    member.erased_at = utcnow()
    details = "messages: removed" if remove_posts else "messages: kept"
    record(by, "member.erase", member, details=details, reason=reason)
    db.session.commit()


def erase_own_account(member: User, *, password: str, remove_posts: bool) -> None:
    """The member erases their own account, confirming it with their password."""
    if not check_password_hash(member.password_hash, password):
        raise WrongPassword
    erase_account(member, by=member, remove_posts=remove_posts)


def _active_admins() -> int:
    return len(db.session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True))
    ).all())  # fmt: skip
