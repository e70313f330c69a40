"""Reads of regions and organisations that several pages share."""

from sqlalchemy import select

from forum.extensions import db
from forum.i18n import localized
from forum.regions.models import Organisation, Region


def organisation_choices() -> dict[str, list[tuple[int, str]]]:
    """Organisations grouped by region, for a select with one optgroup per region."""
    organisations = db.session.scalars(
        select(Organisation).join(Organisation.region).order_by(Region.position, Organisation.name)
    )
    grouped: dict[str, list[tuple[int, str]]] = {}
    for organisation in organisations:
        grouped.setdefault(localized(organisation.region, "name"), []).append(
            (organisation.id, organisation.name)
        )
    return grouped
