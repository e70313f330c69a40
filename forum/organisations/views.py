"""The organisations' pages, for members: the list by region, and each organisation's page."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy
from forum.extensions import db
from forum.forms import ForumForm, form_page
from forum.goals import queries as goal_queries
from forum.goals.forms import status_labels
from forum.notices import redirect_with
from forum.organisations import actions, assessments, queries
from forum.organisations.forms import QUESTIONS, AssessmentForm, DescribeForm
from forum.regions.labels import ORGANISATION_KIND_LABELS
from forum.regions.models import Organisation
from forum.regions.queries import region_id
from forum.security import database_int
from forum.threads.forms import clear_of_personal_data

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
# Under /staff/ (forum.staff), behind its guard: the programme's views across organisations.
staff_bp = Blueprint("organisations", __name__, url_prefix="/organisations")


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
        assessment=next(iter(assessments.versions(organisation, current_user)), None),
        goals=goal_queries.goal_rows_of(organisation), GOAL_STATUS_LABELS=status_labels(),
    )  # fmt: skip


@bp.route("/<int:organisation_id>/describe", methods=["GET", "POST"])
@login_required
def describe(organisation_id: int):
    organisation = _organisation(organisation_id, "organisation.describe")
    form = DescribeForm(data={"description": organisation.description,
                              "language": organisation.description_language})  # fmt: skip
    # Shown to every member: checked as messages are.
    if form.validate_on_submit() and clear_of_personal_data(form, ("description",)):
        actions.describe(organisation, by=current_user, description=form.description.data,
                         language=form.language.data)  # fmt: skip
        return redirect_with(_("The description is saved."), "organisations.show",
                             organisation_id=organisation.id)  # fmt: skip
    return form_page("organisations/describe.html", form, organisation=organisation)


@bp.get("/<int:organisation_id>/assessment")
@login_required
def assessment(organisation_id: int):
    organisation = _organisation(organisation_id)
    versions = assessments.versions(organisation, current_user)
    wanted = request.args.get("version", type=database_int)
    if wanted is None:
        shown = versions[0] if versions else None
    else:
        shown = next((version for version in versions if version.version == wanted), None)
        if shown is None:
            abort(404)
    return render_template("organisations/assessment.html", organisation=organisation,
                           versions=versions, shown=shown, questions=QUESTIONS,
                           form=ForumForm())  # fmt: skip


@bp.route("/<int:organisation_id>/assessment/new", methods=["GET", "POST"])
@login_required
def new_assessment(organisation_id: int):
    organisation = _organisation(organisation_id, "assessment.write")
    versions = assessments.versions(organisation, current_user)
    # A new version starts from the last one: most answers change a little, not entirely.
    latest = versions[0] if versions else None
    form = AssessmentForm(data={
        **{name: getattr(latest, name) for name in QUESTIONS},
        "needs": [tag.id for tag in latest.needs], "language": latest.language,
        "shared_with_members": latest.shared_with_members,
    } if latest else None)  # fmt: skip
    form.needs.choices = assessments.need_choices()
    if form.validate_on_submit() and clear_of_personal_data(form, QUESTIONS):
        try:
            assessments.assess(
                organisation, by=current_user, language=form.language.data,
                answers={name: form[name].data for name in QUESTIONS},
                need_ids=form.needs.data, shared=form.shared_with_members.data,
            )  # fmt: skip
        except assessments.WrittenMeanwhile:
            form.approaches.errors.append(_(
                "Another coordinator of your organisation saved a new version just now. "
                "Your answers are kept here: save again to add them as the next version."
            ))  # fmt: skip
        else:
            return redirect_with(_("The assessment is saved."), "organisations.assessment",
                                 organisation_id=organisation.id)  # fmt: skip
    return form_page("organisations/assessment_form.html", form, organisation=organisation,
                     latest=latest)  # fmt: skip


@bp.post("/<int:organisation_id>/assessment/<int:version>/sharing")
@login_required
def share_assessment(organisation_id: int, version: int):
    organisation = _organisation(organisation_id, "assessment.write")
    shown = next((item for item in assessments.versions(organisation, current_user)
                  if item.version == version), None)  # fmt: skip
    if shown is None:
        abort(404)
    if not ForumForm().validate_on_submit():
        abort(400)
    shared = request.form.get("shared") == "1"
    assessments.set_shared(shown, by=current_user, shared=shared)
    message = (
        _("The assessment is shared with every member.")
        if shared
        else _("The assessment is shown only to your organisation and programme staff.")
    )
    return redirect_with(message, "organisations.assessment", organisation_id=organisation.id,
                         version=version)  # fmt: skip


@staff_bp.get("/information-needs")
def information_needs():
    """What information organisations ask for most, across regions (the assessments' fourth
    answer): for programme staff, from the assessments they may read."""
    region = request.args.get("region", type=region_id)
    return render_template(
        "organisations/information_needs.html",
        region=region,
        **assessments.needs_by_region(current_user, region_id=region),
    )
