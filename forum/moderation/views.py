"""Flags, the review queue and staff tools. Views parse the form, call one verb, redirect."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from forum import policy
from forum.audit import labels as audit_labels
from forum.audit import queries as audit_queries
from forum.auth.models import User
from forum.boards.models import Board
from forum.database import utcnow
from forum.extensions import db, limiter
from forum.forms import form_page
from forum.i18n import localized
from forum.moderation import actions
from forum.moderation.forms import (
    DECISION_LABELS,
    FLAG_REASON_LABELS,
    FlagForm,
    MoveForm,
    PurgeForm,
    ReasonForm,
    ResolveForm,
    SuspendForm,
)
from forum.moderation.models import Flag
from forum.notices import redirect_with
from forum.pagination import requested_page
from forum.security import database_int
from forum.threads import reading
from forum.threads.actions import NotAllowed
from forum.threads.models import Post, PostRevision, Thread
from forum.threads.rendering import post_context

bp = Blueprint("moderation", __name__)
# Registered under /staff/ (forum.staff), behind its guard: every page here is staff-only.
staff_bp = Blueprint("moderation", __name__)

QUEUE_PER_PAGE = 25


@bp.context_processor
@staff_bp.context_processor
def _labels():
    return {"FLAG_REASON_LABELS": FLAG_REASON_LABELS, "DECISION_LABELS": DECISION_LABELS}


def _back_to(post: Post):
    return redirect(url_for("threads.permalink", post_id=post.id))


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"], key_func=lambda: str(current_user.id))
def flag(post_id: int):
    post = policy.get_post_or_404(post_id, current_user)
    policy.require(current_user, "post.flag", post)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            actions.flag_post(post, by=current_user, reason=form.reason.data, note=form.note.data)
        except actions.AlreadyFlagged:
            flash(_("You have already flagged this message. Moderators will look at it."))
        except NotAllowed:
            abort(403)
        else:
            flash(_("Thank you. A moderator will look at the message."))
        return _back_to(post)
    return form_page(
        "moderation/flag.html",
        form,
        post=reading.post_row(post),
        **post_context(current_user, post.thread),
    )


def _open_flags(user):
    return (
        select(Flag)
        .join(Flag.post)
        .join(Post.thread)
        .join(Thread.board)
        .where(Flag.status == "open", policy.moderation_clause(user))
    )


@staff_bp.get("/moderation/log")
@login_required
def trail():
    """The audit trail of the boards and regions the moderator moderates."""
    policy.require(current_user, "moderation.review", None)
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", type=database_int)
    found = audit_queries.trail_page(current_user, action=action, actor=actor)
    return render_template("audit/trail.html", trail=found, action=action, actor=actor,
                           audit=audit_labels, endpoint="staff.moderation.trail")  # fmt: skip


@staff_bp.get("/moderation/")
@login_required
def queue():
    policy.require(current_user, "moderation.review", None)
    statement = _open_flags(current_user)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = requested_page(total, QUEUE_PER_PAGE)
    flags = db.session.scalars(
        statement.options(
            contains_eager(Flag.post).contains_eager(Post.thread).contains_eager(Thread.board),
            joinedload(Flag.reporter),
            joinedload(Flag.post, Post.author),
        )
        .order_by(Flag.created_at, Flag.id)
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return render_template("moderation/queue.html", flags=flags, page=page, form=ResolveForm())


@staff_bp.post("/moderation/flags/<int:flag_id>")
@login_required
def resolve(flag_id: int):
    policy.require(current_user, "moderation.review", None)
    found = db.session.scalar(_open_flags(current_user).where(Flag.id == flag_id))
    if found is None:
        abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision and give a reason."))
        return redirect(url_for("staff.moderation.queue", _anchor=f"flag-{flag_id}"))
    try:
        actions.resolve_flag(
            found, by=current_user, decision=form.decision.data, reason=form.reason.data
        )
    except actions.AlreadyResolved:
        flash(_("Another moderator resolved this flag first. Nothing was changed."))
    else:
        flash(_("Decision saved."))
    return redirect(url_for("staff.moderation.queue"))


# Taking a message out of view tells its author why; putting it back needs no reason.
_VERBS_THAT_NEED_A_REASON = {"hide", "delete"}


def _apply_verb(obj, verbs: dict, run):
    """Check the posted verb against the policy, then run it with the posted reason. None when
    done; else the page that asks again, with the reason kept and what was wrong.

    Each verb table (actions.POST_VERBS, actions.THREAD_VERBS) ends its rows with the policy
    action that allows the verb.
    """
    verb = request.form.get("verb", "")
    if verb not in verbs:
        abort(400)
    policy.require(current_user, verbs[verb][-1], obj)
    form = ReasonForm()
    if form.validate_on_submit():
        if verb in _VERBS_THAT_NEED_A_REASON and not form.reason.data.strip():
            form.reason.errors.append(_("Give a reason: the author is told it."))
        else:
            try:
                run(obj, verb, by=current_user, reason=form.reason.data)
            except NotAllowed:
                abort(403)
            flash(_("Saved."))
            return None
    return form_page("moderation/reason.html", form, verb=verb,
                     action=request.path)  # fmt: skip


@staff_bp.post("/posts/<int:post_id>/moderate")
@login_required
def moderate_post(post_id: int):
    post = policy.get_post_or_404(post_id, current_user)
    return _apply_verb(post, actions.POST_VERBS, actions.moderate_post) or _back_to(post)


@staff_bp.post("/threads/<int:thread_id>/moderate")
@login_required
def moderate_thread(thread_id: int):
    thread = policy.get_thread_or_404(thread_id, current_user)
    asked = _apply_verb(thread, actions.THREAD_VERBS, actions.moderate_thread)
    return asked or redirect(url_for("threads.show", thread_id=thread.id))


@staff_bp.route("/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move(thread_id: int):
    thread = policy.get_thread_or_404(thread_id, current_user)
    policy.require(current_user, "thread.move", thread)
    targets = db.session.scalars(
        policy.visible_boards(current_user)
        .where(policy.moderation_clause(current_user), Board.id != thread.board_id)
        .order_by(Board.position, Board.id)
    ).all()
    form = MoveForm()
    form.board.choices = [(board.id, localized(board, "name")) for board in targets]
    if form.validate_on_submit():
        target = next(board for board in targets if board.id == form.board.data)
        actions.move_thread(thread, by=current_user, to=target, reason=form.reason.data)
        return redirect_with(_("The thread was moved."), "threads.show", thread_id=thread.id)
    return form_page("moderation/move.html", form, thread=thread)


@staff_bp.get("/posts/<int:post_id>/history")
@login_required
def history(post_id: int):
    post = policy.get_post_or_404(post_id, current_user)
    policy.require(current_user, "post.history", post)
    revisions = db.session.scalars(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .options(joinedload(PostRevision.replaced_by))
        .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
    ).all()
    return render_template(
        "moderation/history.html", post=post, revisions=revisions, form=PurgeForm()
    )


@staff_bp.post("/revisions/<int:revision_id>/purge")
@login_required
def purge(revision_id: int):
    revision = db.session.get(PostRevision, revision_id) or abort(404)
    post = policy.get_post_or_404(revision.post_id, current_user)
    policy.require(current_user, "revision.purge", post)
    form = PurgeForm()
    if form.validate_on_submit():
        actions.purge_revision(revision, by=current_user, reason=form.reason.data)
        flash(_("The earlier version was removed for good."))
    else:
        flash(_("Give a reason."))
    return redirect(url_for("staff.moderation.history", post_id=post.id))


@staff_bp.route("/users/<int:user_id>/suspend", methods=["GET", "POST"])
@login_required
def suspend(user_id: int):
    member = db.session.get(User, user_id) or abort(404)
    policy.require(current_user, "member.suspend", member)
    form = SuspendForm()
    if request.method == "POST" and request.form.get("verb") == "lift":
        lift = ReasonForm()
        if lift.validate_on_submit():
            actions.lift_suspension(member, by=current_user, reason=lift.reason.data)
            flash(_("The suspension was lifted."))
        return redirect(url_for("auth.profile", user_id=member.id))
    if form.validate_on_submit():
        # To the end of the given day in the forum's time zone.
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        until = datetime.combine(form.until.data + timedelta(days=1), time.min, tzinfo=zone)
        if until <= utcnow():
            form.until.errors.append(_("Choose today or a later day."))
        else:
            actions.suspend_member(member, by=current_user, until=until, reason=form.reason.data)
            flash(_("The member is suspended."))
            return redirect(url_for("auth.profile", user_id=member.id))
    return form_page("moderation/suspend.html", form, member=member)
