"""The organisations' pages, for members: the list by region, and each organisation's page."""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy
from forum.extensions import db
from forum.forms import form_page
from forum.notices import redirect_with
from forum.organisations import actions, queries
from forum.organisations.forms import DescribeForm
from forum.regions.labels import ORGANISATION_KIND_LABELS
from forum.regions.models import Organisation
from forum.threads.forms import personal_data_in, warn_of_personal_data

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.context_processor
def _labels():
    return {"ORGANISATION_KIND_LABELS": ORGANISATION_KIND_LABELS}


def _organisation(organisation_id: int, action: str = "organisation.view") -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    policy.require(current_user, action, organisation)
    return organisation


@bp.get("/")
@login_required
def index():
    policy.require(current_user, "organisation.view", None)
    return render_template("organisations/index.html",
                           regions=queries.organisations_by_region(),
                           practice_counts=queries.practice_counts(current_user))  # fmt: skip


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    organisation = _organisation(organisation_id)
    return render_template(
        "organisations/show.html", organisation=organisation,
        coordinators=queries.coordinators(organisation),
        practices=queries.practices_of(organisation, current_user),
        tried=queries.tried_by(organisation, current_user),
    )  # fmt: skip


@bp.route("/<int:organisation_id>/describe", methods=["GET", "POST"])
@login_required
def describe(organisation_id: int):
    organisation = _organisation(organisation_id, "organisation.describe")
    form = DescribeForm(data={"description": organisation.description,
                              "language": organisation.description_language})  # fmt: skip
    if form.validate_on_submit():
        # Shown to every member: checked as messages are.
        findings = personal_data_in(form, ("description",))
        form.personal_data_found = bool(findings)
        if findings and not form.personal_data_checked.data:
            warn_of_personal_data(form, findings)
        else:
            actions.describe(organisation, by=current_user, description=form.description.data,
                             language=form.language.data)  # fmt: skip
            return redirect_with(_("The description is saved."), "organisations.show",
                                 organisation_id=organisation.id)  # fmt: skip
    return form_page("organisations/describe.html", form, organisation=organisation)
