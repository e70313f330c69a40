"""Staff pages of a training group: who is in it, who is invited, inviting and removing.

Under /staff/ (forum.staff) and, within it, for those who manage groups (group.manage). The
groups themselves are made and named on the administration pages, beside regions and boards."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from forum import policy
from forum.auth.actions import normalise_email
from forum.auth.models import User
from forum.extensions import db
from forum.forms import ForumForm
from forum.groups import actions, queries
from forum.groups.forms import InviteToGroupForm
from forum.groups.models import TrainingGroup
from forum.notices import redirect_with

staff_bp = Blueprint("groups", __name__, url_prefix="/groups")


@staff_bp.before_request
def _group_managers_only():
    policy.require(current_user, "group.manage", None)


def _group(group_id: int) -> TrainingGroup:
    return db.session.get(TrainingGroup, group_id) or abort(404)


@staff_bp.route("/<int:group_id>", methods=["GET", "POST"])
def members(group_id: int):
    group = _group(group_id)
    form = InviteToGroupForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        member = db.session.scalar(select(User).where(func.lower(User.email) == email))
        try:
            if member is None:
                raise actions.NotAMember
            actions.invite(group, member, by=current_user)
        except actions.NotAMember:
            form.email.errors.append(_(
                "No member of the forum signs in with this address. Invite the person to "
                "the forum first; once they are a member, invite them to the group."
            ))  # fmt: skip
        except actions.AlreadyInGroup:
            form.email.errors.append(_("This member is in the group or invited to it already."))
        else:
            return redirect_with(
                _("%(name)s is invited. They join when they accept.", name=member.display_name),
                "staff.groups.members", group_id=group.id,
            )  # fmt: skip
    page = render_template("groups/members.html", group=group, form=form,
                           members=queries.members_of(group), remove_form=ForumForm())  # fmt: skip
    return page, 422 if form.errors else 200


@staff_bp.post("/<int:group_id>/remove/<int:member_id>")
def remove(group_id: int, member_id: int):
    group = _group(group_id)
    member = db.session.get(User, member_id) or abort(404)
    if not ForumForm().validate_on_submit():
        abort(400)
    actions.remove(group, member, by=current_user)
    return redirect(url_for("staff.groups.members", group_id=group.id))
