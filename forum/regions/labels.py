"""The words for the kinds of organisation, shown wherever an organisation is."""

from flask_babel import lazy_gettext as _l

ORGANISATION_KIND_LABELS = {
    "municipality": _l("Municipality"),
    "company": _l("Company"),
    "association": _l("Association"),
    "public_agency": _l("Public agency"),
    "foundation": _l("Foundation"),
}
