from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import UTCDateTime
from forum.extensions import db


class Heartbeat(db.Model):
    """When a process last said it was alive (the job worker, every minute)."""

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
