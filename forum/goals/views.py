"""Goals: an organisation's goals page, each goal with its progress and evidence, and the
programme's view across organisations (members and staff)."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.forms import ForumForm, form_page
from forum.goals import actions, queries
from forum.goals.forms import EvidenceForm, GoalForm, ProgressForm, status_labels
from forum.goals.models import GOAL_STATUSES, Goal
from forum.notices import redirect_with
from forum.organisations import assessments
from forum.organisations.forms import QUESTIONS
from forum.pagination import requested_page
from forum.regions.models import Organisation, Region
from forum.regions.queries import region_id
from forum.tags.queries import tag_choices, tag_groups
from forum.threads.forms import clear_of_personal_data

bp = Blueprint("goals", __name__)
GOALS_PER_PAGE = 50


@bp.context_processor
def _labels():
    return {"STATUS_LABELS": status_labels(), "GOAL_STATUSES": GOAL_STATUSES}


def _organisation(organisation_id: int, action: str) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    policy.require(current_user, action, organisation)
    return organisation


def _goal(goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id) or abort(404)
    policy.require(current_user, "goal.view", goal)
    return goal


@bp.get("/organisations/<int:organisation_id>/goals")
@login_required
def of_organisation(organisation_id: int):
    organisation = _organisation(organisation_id, "organisation.view")
    return render_template("goals/organisation.html", organisation=organisation,
                           goals=queries.goals_of(organisation))  # fmt: skip


def _goal_form(organisation: Organisation, goal: Goal | None) -> GoalForm:
    latest = next(iter(assessments.versions(organisation, current_user)), None)
    data = None
    if goal is not None and request.method == "GET":
        data = {"title": goal.title, "description": goal.description, "language": goal.language,
                "target_date": goal.target_date, "tags": [tag.id for tag in goal.tags],
                "cited": f"{goal.assessment_id}:{goal.cited_answer}"
                if goal.assessment_id else ""}  # fmt: skip
    form = GoalForm(data=data)
    form.tags.choices = tag_choices()
    form.cited.choices = [("", _("None"))]
    citable = [goal.assessment] if goal is not None and goal.assessment else []
    if latest is not None and latest not in citable:
        citable.append(latest)
    for assessment in citable:
        for name, question in QUESTIONS.items():
            form.cited.choices.append((f"{assessment.id}:{name}", _(
                "Version %(version)d: %(question)s", version=assessment.version,
                question=question)))  # fmt: skip
    return form


def _cited(form: GoalForm):
    if not form.cited.data:
        return None
    assessment_id, _sep, answer = form.cited.data.partition(":")
    return int(assessment_id), answer


def _saved(form: GoalForm, save) -> bool:
    if not form.validate_on_submit():
        return False
    if not clear_of_personal_data(form, ("title", "description")):
        return False
    save(title=form.title.data, description=form.description.data or "",
         language=form.language.data, target_date=form.target_date.data,
         tag_ids=form.tags.data, cited=_cited(form))  # fmt: skip
    return True


@bp.route("/organisations/<int:organisation_id>/goals/new", methods=["GET", "POST"])
@login_required
def new(organisation_id: int):
    organisation = _organisation(organisation_id, "goal.write")
    form = _goal_form(organisation, None)
    created = []
    if _saved(form, lambda **values: created.append(
            actions.set_goal(organisation, by=current_user, **values))):  # fmt: skip
        return redirect_with(_("The goal is set."), "goals.show", goal_id=created[0].id)
    return form_page("goals/form.html", form, organisation=organisation, goal=None)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(goal_id: int):
    goal = _goal(goal_id)
    policy.require(current_user, "goal.write", goal.organisation)
    form = _goal_form(goal.organisation, goal)
    if _saved(form, lambda **values: actions.change_goal(goal, by=current_user, **values)):
        return redirect_with(_("The goal is saved."), "goals.show", goal_id=goal.id)
    return form_page("goals/form.html", form, organisation=goal.organisation, goal=goal)


@bp.get("/goals/<int:goal_id>")
@login_required
def show(goal_id: int):
    goal = _goal(goal_id)
    return _goal_page(goal, ProgressForm(data={"status": goal.status}), EvidenceForm())


def _goal_page(goal: Goal, progress: ProgressForm, evidence: EvidenceForm, status: int = 200):
    cited_text = None
    if goal.assessment is not None and policy.can(current_user, "assessment.view",
                                                  goal.assessment):  # fmt: skip
        cited_text = getattr(goal.assessment, goal.cited_answer or "", None)
    page = render_template(
        "goals/show.html", goal=goal, progress=progress, evidence_form=evidence,
        evidence=queries.evidence_for(goal, current_user), cited_text=cited_text,
        questions=QUESTIONS, remove_form=ForumForm(),
    )  # fmt: skip
    return page, status


@bp.post("/goals/<int:goal_id>/progress")
@login_required
def progress(goal_id: int):
    goal = _goal(goal_id)
    policy.require(current_user, "goal.write", goal.organisation)
    form = ProgressForm()
    if form.validate_on_submit():
        if not (form.body.data or "").strip() and form.status.data == goal.status:
            form.body.errors.append(_("Tell what has happened, or change the status."))
        elif clear_of_personal_data(form, ("body",)):
            actions.tell_progress(
                goal,
                by=current_user,
                body=form.body.data or "",
                language=form.language.data,
                status=form.status.data,
            )
            return redirect_with(_("The progress is told."), "goals.show", goal_id=goal.id)
    return _goal_page(goal, form, EvidenceForm(), 422)


@bp.post("/goals/<int:goal_id>/evidence")
@login_required
def add_evidence(goal_id: int):
    goal = _goal(goal_id)
    policy.require(current_user, "goal.write", goal.organisation)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            actions.link_evidence(goal, by=current_user, link=form.link.data)
        except actions.NotEvidence:
            form.link.errors.append(_("This is not a link to a thread, good practice or event "
                                      "of this forum that you can see."))  # fmt: skip
        except actions.AlreadyLinked:
            form.link.errors.append(_("This is linked to the goal already."))
        else:
            return redirect_with(_("The evidence is linked."), "goals.show", goal_id=goal.id)
    return _goal_page(goal, ProgressForm(data={"status": goal.status}), form, 422)


@bp.post("/goals/<int:goal_id>/evidence/<int:evidence_id>/remove")
@login_required
def remove_evidence(goal_id: int, evidence_id: int):
    goal = _goal(goal_id)
    policy.require(current_user, "goal.write", goal.organisation)
    if not ForumForm().validate_on_submit():
        abort(400)
    actions.unlink_evidence(goal, evidence_id, by=current_user)
    return redirect_with(_("The link is removed."), "goals.show", goal_id=goal.id)


@bp.get("/goals")
@login_required
def programme():
    policy.require(current_user, "goal.view", None)
    status = request.args.get("status")
    filters = queries.Filters(
        region=request.args.get("region", type=region_id),
        status=status if status in GOAL_STATUSES else None,
        tag=request.args.get("tag") or None,
    )
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    chart = queries.status_over_time(filters, regions)
    counts = chart.statuses
    total = counts[filters.status] if filters.status else sum(counts.values())
    page = requested_page(total, GOALS_PER_PAGE)
    return render_template(
        "goals/programme.html", filters=filters, counts=counts, total=total, page=page,
        goals=queries.programme(filters, offset=page.offset, limit=page.per_page),
        chart=chart, regions=regions, tag_groups=tag_groups(),
    )  # fmt: skip
