"""Writing the audit trail: part of the transaction of the action it records."""

from forum.audit.models import AuditEntry
from forum.auth.models import User
from forum.database import utcnow
from forum.extensions import db


def record(actor: User, action: str, target, *, details: str = "", reason: str = "") -> AuditEntry:
    """Add an audit entry to the current transaction; the calling action commits it."""
    entry = AuditEntry(
        actor_id=actor.id,
        action=action,
        target_type=type(target).__tablename__,
        target_id=target.id,
        details=details,
        reason=(reason or "").strip(),
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry


def describe_changes(obj, values: dict) -> str:
    """Apply `values` to obj and return one "field: old → new" line per real change."""
    lines = []
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            lines.append(f"{field}: {old!r} → {new!r}")
            setattr(obj, field, new)
    return "\n".join(lines)
