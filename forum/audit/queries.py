"""The audit trail as staff browse it: a page of the entries the reader may read
(policy.audit_entries), filtered by action and by who acted."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import policy
from forum.audit.models import AuditEntry
from forum.extensions import db
from forum.pagination import requested_page

PER_PAGE = 50


@dataclass
class TrailPage:
    entries: list
    page: object
    actions_seen: list[str]


def trail_page(reader, *, action: str = "", actor: int | None = None) -> TrailPage:
    readable = policy.audit_entries(reader)
    statement = readable
    if action:
        statement = statement.where(AuditEntry.action.startswith(action))
    if actor:
        statement = statement.where(AuditEntry.actor_id == actor)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = requested_page(total, PER_PAGE)
    entries = db.session.scalars(
        statement.options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    actions_seen = db.session.scalars(
        readable.with_only_columns(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ).all()
    return TrailPage(entries, page, actions_seen)
