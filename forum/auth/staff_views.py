"""Staff pages about membership, under /staff/ (forum.staff) behind its guard: the requests
waiting for a decision, and invitations by e-mail to an organisation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload

from forum import policy
from forum.auth import actions, invitations, membership
from forum.auth.forms import DecisionForm, InvitationForm
from forum.auth.models import Invitation, User
from forum.extensions import db
from forum.forms import form_page
from forum.i18n import current_locale
from forum.regions.models import Organisation
from forum.regions.queries import organisation_choices

staff_bp = Blueprint("members", __name__)


@staff_bp.get("/members/requests")
def membership_requests():
    requests = db.session.scalars(
        policy.membership_requests(current_user)
        .options(contains_eager(User.organisation).joinedload(Organisation.region))
        .order_by(User.created_at)
    ).all()
    return render_template("auth/requests.html", requests=requests, form=DecisionForm())


@staff_bp.post("/members/<int:member_id>/decide")
def decide_membership(member_id: int):
    member = db.session.get(User, member_id) or abort(404)
    policy.require(current_user, "member.approve", member)
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    if not form.validate_on_submit() or (not approve and not form.reason.data.strip()):
        flash(_("Give the reason for refusing: the person is told it."))
        return redirect(url_for("staff.members.membership_requests"))
    try:
        membership.decide(member, by=current_user, approve=approve, reason=form.reason.data)
    except membership.AlreadyDecided:
        flash(_("Someone decided on this request already. Nothing was changed."))
    else:
        flash(_("The request is approved.") if approve else _("The request is refused."))
    return redirect(url_for("staff.members.membership_requests"))


def _invitations_page(form: InvitationForm | None = None):
    form = form or InvitationForm(locale=current_locale())
    form.organisation.choices = organisation_choices(policy.invitable_organisations(current_user))
    waiting = db.session.scalars(
        policy.open_invitations(current_user)
        .options(contains_eager(Invitation.organisation), joinedload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc())
    ).all()
    return form_page("auth/invitations.html", form, invitations=waiting)


@staff_bp.get("/members/invitations")
def invitations_page():
    return _invitations_page()


@staff_bp.post("/members/invitations")
def send_invitation():
    form = InvitationForm()
    if not form.validate_on_submit():
        return _invitations_page(form)
    organisation = db.session.get(Organisation, form.organisation.data)
    if organisation is None:
        form.organisation.errors.append(_("Choose the organisation."))
        return _invitations_page(form)
    policy.require(current_user, "member.invite", organisation)
    try:
        invitations.invite(email=form.email.data, organisation=organisation,
                           locale=form.locale.data, by=current_user)  # fmt: skip
    except invitations.AddressTaken:
        form.email.errors.append(_("This address already has an account: the person can sign "
                                   "in, or use “Forgot your password?”."))  # fmt: skip
        return _invitations_page(form)
    flash(
        _(
            "An invitation to %(organisation)s is on its way to %(email)s.",
            organisation=organisation.name,
            email=actions.normalise_email(form.email.data),
        )
    )
    return redirect(url_for("staff.members.invitations_page"))


@staff_bp.post("/members/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.accepted_at is not None:
        abort(404)
    policy.require(current_user, "member.invite", invitation.organisation)
    email = invitation.email
    invitations.withdraw(invitation, by=current_user)
    flash(_("The invitation to %(email)s is withdrawn: its link no longer works.", email=email))
    return redirect(url_for("staff.members.invitations_page"))
