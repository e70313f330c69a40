"""A member's training groups: the groups they are in, and invitations to accept or decline."""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forum import policy
from forum.boards.models import Board
from forum.extensions import db
from forum.forms import ForumForm
from forum.groups import actions, queries
from forum.groups.models import GroupMemberStatus, TrainingGroup
from forum.notices import redirect_with

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.get("/")
@login_required
def mine():
    memberships = queries.memberships_of(current_user)
    joined = [row.group_id for row in memberships if row.status == GroupMemberStatus.JOINED]
    boards = db.session.scalars(
        policy.visible_boards(current_user).where(Board.group_id.in_(joined))
    ).all() if joined else []  # fmt: skip
    boards_of = {}
    for board in boards:
        boards_of.setdefault(board.group_id, []).append(board)
    return render_template("groups/mine.html", memberships=memberships, boards_of=boards_of,
                           form=ForumForm())  # fmt: skip


def _group(slug: str) -> TrainingGroup:
    group = db.session.scalar(select(TrainingGroup).where(TrainingGroup.slug == slug[:64]))
    if group is None or not ForumForm().validate_on_submit():
        abort(404 if group is None else 400)
    return group


@bp.post("/<slug>/accept")
@login_required
def accept(slug: str):
    try:
        actions.accept(_group(slug), by=current_user)
    except actions.NotInvited:
        abort(404)
    return redirect_with(_("Welcome to the group. Its boards are open to you now."), "groups.mine")


@bp.post("/<slug>/decline")
@login_required
def decline(slug: str):
    try:
        actions.decline(_group(slug), by=current_user)
    except actions.NotInvited:
        abort(404)
    return redirect_with(_("You declined the invitation."), "groups.mine")


@bp.post("/<slug>/leave")
@login_required
def leave(slug: str):
    actions.leave(_group(slug), by=current_user)
    return redirect_with(_("You left the group. Its boards are closed to you now."), "groups.mine")
