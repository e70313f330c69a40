"""Writes of an organisation's own page. Each takes the acting member and commits once."""

from forum import policy
from forum.audit.actions import record
from forum.database import begin_write
from forum.extensions import db
from forum.regions.models import Organisation
from forum.threads.actions import NotAllowed


def describe(organisation: Organisation, *, by, description: str, language: str) -> None:
    """Set the organisation's description; its coordinators and administrators may."""
    begin_write()
    organisation = db.session.get(Organisation, organisation.id)
    if not policy.can(by, "organisation.describe", organisation):
        db.session.rollback()
        raise NotAllowed
    organisation.description = description.strip()
    organisation.description_language = language
    record(by, "organisation.describe", organisation, details=f"language: {language}")
    db.session.commit()
