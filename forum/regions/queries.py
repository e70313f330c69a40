"""Reads of regions and organisations that several pages share."""

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from forum.extensions import db
from forum.i18n import localized
from forum.regions.models import Organisation, Region


def organisation_choices(among: Select | None = None) -> dict[str, list[tuple[int, str]]]:
    """Organisations (all, or those `among` selects) grouped by region, for a select with one
    optgroup per region."""
    statement = select(Organisation) if among is None else among
    organisations = db.session.scalars(
        statement.join(Organisation.region)
        .options(contains_eager(Organisation.region))
        .order_by(Region.position, Organisation.name)
    )
    grouped: dict[str, list[tuple[int, str]]] = {}
    for organisation in organisations:
        grouped.setdefault(localized(organisation.region, "name"), []).append(
            (organisation.id, organisation.name)
        )
    return grouped
