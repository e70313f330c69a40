"""Reads of regions and organisations that several pages share."""

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from forum.extensions import db
from forum.i18n import localized
from forum.regions.models import Organisation, Region
from forum.security import database_int


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


def region_id(value: str) -> int:
    """A region named in a query string by its id or its slug (?region=pirkanmaa): a `type=`
    for request.args.get(), which answers its default (ValueError) for neither."""
    if value.isdigit():
        return database_int(value)
    found = db.session.scalar(select(Region.id).where(Region.slug == value[:64]))
    if found is None:
        raise ValueError(f"no region {value!r}")
    return found
