from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import UTCDateTime, utcnow
from forum.extensions import db


class DataExport(db.Model):
    """A member's copy of what the forum holds about them: asked for on their data page,
    prepared by the job worker, offered to them until expires_at, then removed by the retention
    job. Kept in the database, not on one host's disk, so that any app process can serve it."""

    __tablename__ = "data_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # A zip of data.json and index.html; None until ready, and again once expired.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
