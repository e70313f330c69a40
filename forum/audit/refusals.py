"""Refused staff actions in the audit trail: who tried what on which thing."""

from forum import policy
from forum.audit.models import AuditEntry
from forum.database import begin_write, utcnow
from forum.extensions import db


def _record_refusal(_sender, *, user, action: str, target) -> None:
    # The refused request writes nothing else, so the entry is its own transaction. A target
    # read as a plain row (a thread page's) has no table of its own: the action names its kind.
    table = getattr(type(target), "__tablename__", None) or action.split(".")[0]
    begin_write()
    db.session.add(
        AuditEntry(
            actor_id=user.id,
            action=f"refused.{action}",
            target_type=table,
            target_id=getattr(target, "id", None) or 0,
            created_at=utcnow(),
        )
    )
    db.session.commit()


def init_app(app) -> None:
    policy.staff_action_refused.connect(_record_refusal)
