from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import UTCDateTime, utcnow
from forum.extensions import db
from forum.regions.models import Organisation


class Membership(StrEnum):
    """Whether staff, or an organisation's vouched-for e-mail domain, let the account in."""

    APPROVED = "approved"
    PENDING = "pending"  # asked to join an organisation; sees what a signed-out reader sees
    REFUSED = "refused"


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


ROLES = tuple(Role)


class _Suspendable:
    """A suspended member can read but not post or flag until its suspended_until."""

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()


class User(_Suspendable, db.Model):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    locale: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the owner followed the link sent to the address; until then the account cannot sign
    # in, and so sees what a signed-out reader sees.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    membership: Mapped[str] = mapped_column(String(16), default=Membership.APPROVED)
    # A suspended member can read but not post or flag until this moment.
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(Text, default="")
    # When the member last used the forum, to the quarter of an hour (auth.actions.SEEN_EVERY):
    # a digest goes only to members who have not been back since the last one.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The bell's unread count, kept by forum.notifications.bell: None until counted again, and
    # bell_counted_for names the kind of reader it was counted for ("": any, a new account's
    # nothing to count).
    bell_count: Mapped[int | None] = mapped_column(default=0)
    bell_counted_for: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # When the account was erased (privacy.erasure): the row stays, naming nobody.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)

    # Set by the user loader: the server-side session this request was authenticated with.
    session_token = None

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def region_id(self) -> int:
        return self.organisation.region_id


class UserSession(db.Model):
    """A signed-in browser. Deleting the row ends that sign-in, whatever cookies were copied."""

    __tablename__ = "account_session"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SessionUser(_Suspendable):
    """The signed-in account as a request reads it: plain values from one row.

    Every signed-in request loads its user, and nearly all only read it (the policy, the
    navigation, actions that record who acted): the ORM object with its organisation cost three
    times the query. The actions that change the account itself take account(), the ORM object.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True  # sessions of deactivated accounts are not loaded
    _moderation_scope = None  # policy.moderation_scope() keeps its answer here
    _training_groups = None  # and policy.training_groups() its

    def __init__(self, row, session_token: str):
        self.id: int = row.id
        self.display_name: str = row.display_name
        self.role: str = row.role
        self.locale: str = row.locale
        self.organisation_id: int = row.organisation_id
        self.region_id: int | None = row.region_id
        self.suspended_until: datetime | None = row.suspended_until
        self.created_at: datetime = row.created_at
        self.membership: str = row.membership
        self.bell_count: int | None = row.bell_count
        self.bell_counted_for: str = row.bell_counted_for
        self.session_token = session_token
        if "joined_groups" in row._fields:  # policy.load_reader asks them in the same row
            joined = row.joined_groups.split(",") if row.joined_groups else ()
            self._training_groups = frozenset(int(group_id) for group_id in joined)

    def get_id(self) -> str:
        return self.session_token

    @property
    def suspension_reason(self) -> str:
        """Why staff suspended the member: asked only for a suspended member's notice."""
        reason = select(User.suspension_reason).where(User.id == self.id)
        return db.session.scalar(reason) or ""

    def account(self) -> User:
        """The account as an ORM object, in this request's database session."""
        return db.session.get(User, self.id)


class AccountToken(db.Model):
    """A single-use link sent by e-mail (a password reset, an address to confirm). Only its
    hash is stored: a copy of the database signs nobody in."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For an address change: the address the link was sent to, the account's once followed.
    new_email: Mapped[str | None] = mapped_column(String(254))


class Invitation(db.Model):
    """Staff invite someone by e-mail to an organisation: following the link opens an account
    there, its address confirmed and its membership approved. Only the link's hash is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    # The language of the invitation, and of the account it opens until its owner chooses.
    locale: Mapped[str] = mapped_column(String(2))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()
