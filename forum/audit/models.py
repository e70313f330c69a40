from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.database import UTCDateTime, utcnow
from forum.extensions import db


class AuditEntry(db.Model):
    """Who did what to which thing, why and when. Rows are only ever inserted."""

    __table_args__ = (Index("ix_audit_entry_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    # A dotted verb such as "board.update" or "member.deactivate".
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int] = mapped_column()
    # What changed, "field: old → new" lines, in the language-neutral form it was recorded in.
    details: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User] = relationship()
