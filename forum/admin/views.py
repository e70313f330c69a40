"""Administration pages. Every view of this blueprint is refused to non-admins in one place."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from forum import policy
from forum.admin import actions
from forum.admin.forms import (
    ROLE_LABELS,
    TAG_STATUS_LABELS,
    VISIBILITY_LABELS,
    BoardForm,
    MemberForm,
    OrganisationForm,
    RegionForm,
    TagForm,
    TagGroupForm,
    TrainingGroupForm,
)
from forum.audit import labels as audit_labels
from forum.audit import queries as audit_queries
from forum.audit.models import AuditEntry
from forum.auth import recovery
from forum.auth.models import User
from forum.boards.models import Board, ModerationScope
from forum.database import utcnow
from forum.extensions import db, login_manager
from forum.forms import form_page
from forum.groups import queries as group_queries
from forum.groups.models import TrainingGroup
from forum.i18n import localized
from forum.moderation.models import Flag
from forum.notices import redirect_with
from forum.pagination import requested_page
from forum.privacy import erasure
from forum.privacy.forms import EraseMemberForm
from forum.regions.labels import ORGANISATION_KIND_LABELS
from forum.regions.models import Organisation, Region
from forum.regions.queries import organisation_choices
from forum.security import database_int
from forum.tags.models import Tag, TagGroup
from forum.threads.models import Post, Thread

# Under /staff/ (forum.staff): /staff/admin/, for administrators only.
bp = Blueprint("admin", __name__, url_prefix="/admin")

MEMBERS_PER_PAGE = 50


@bp.before_request
def _admins_only():
    # One guard for the whole blueprint, so that no admin page can forget its check.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    policy.require(current_user, "forum.administer", None)
    return None


@bp.context_processor
def _labels():
    return {
        "ORGANISATION_KIND_LABELS": ORGANISATION_KIND_LABELS,
        "VISIBILITY_LABELS": VISIBILITY_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "TAG_STATUS_LABELS": TAG_STATUS_LABELS,
    }


@bp.get("/")
def dashboard():
    """What waits for staff, and the week's activity: counts in one statement."""
    week_ago = utcnow() - timedelta(days=7)

    def counted(statement):
        return select(func.count()).select_from(statement.subquery()).scalar_subquery()

    counts = db.session.execute(
        select(
            counted(select(Flag.id).where(Flag.status == "open")).label("open_flags"),
            counted(policy.membership_requests(current_user)).label("membership_requests"),
            counted(select(Tag.id).where(Tag.status == "proposed")).label("tag_proposals"),
            counted(select(Thread.id).where(Thread.created_at >= week_ago)).label("threads"),
            counted(select(Post.id).where(Post.created_at >= week_ago, Post.depth > 0))
            .label("replies"),
            counted(select(User.id).where(User.created_at >= week_ago)).label("members"),
            counted(select(AuditEntry.id).where(AuditEntry.created_at >= week_ago))
            .label("staff_actions"),
        )
    ).one()  # fmt: skip
    return render_template("admin/dashboard.html", counts=counts)


# Regions, organisations and boards share one list-and-form pattern; only their fields differ.
_KINDS = {
    "regions": (Region, RegionForm, _l("Regions"), _l("New region")),
    "organisations": (Organisation, OrganisationForm, _l("Organisations"), _l("New organisation")),
    "boards": (Board, BoardForm, _l("Boards"), _l("New board")),
    "tag-groups": (TagGroup, TagGroupForm, _l("Tag groups"), _l("New tag group")),
    "tags": (Tag, TagForm, _l("Tags"), _l("New tag")),
    "training-groups": (TrainingGroup, TrainingGroupForm, _l("Training groups"),
                        _l("New training group")),
}  # fmt: skip


def _kind(kind: str):
    if kind not in _KINDS:
        abort(404)
    return _KINDS[kind]


def _region_choices(*, national: bool):
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    choices = [(region.id, localized(region, "name")) for region in regions]
    return [(0, _("National"))] + choices if national else choices


def _prepare(form, kind: str):
    if kind == "organisations":
        form.region.choices = _region_choices(national=False)
    elif kind == "boards":
        form.region.choices = _region_choices(national=True)
        groups = db.session.scalars(select(TrainingGroup).order_by(TrainingGroup.position)).all()
        form.training_group.choices = [(0, _("None"))] + [
            (group.id, localized(group, "name")) for group in groups
        ]
    elif kind == "tags":
        groups = db.session.scalars(select(TagGroup).order_by(TagGroup.position)).all()
        form.group.choices = [(group.id, localized(group, "name")) for group in groups]


def _values(form, kind: str) -> dict:
    values = {
        name: field.data
        for name, field in form._fields.items()
        if name not in ("csrf_token", "region", "group", "training_group")
    }
    if kind in ("organisations", "boards"):
        values["region_id"] = form.region.data or None
    if kind == "tags":
        values["group_id"] = form.group.data
    if kind == "boards":
        values["group_id"] = form.training_group.data or None
    return values


def _listing(kind: str):
    model = _kind(kind)[0]
    statement = select(model)
    if kind == "organisations":
        statement = statement.options(joinedload(Organisation.region)).order_by(Organisation.name)
    elif kind == "boards":
        statement = statement.options(joinedload(Board.region)).order_by(Board.position, Board.id)
    elif kind == "tag-groups":
        statement = statement.order_by(TagGroup.position, TagGroup.id)
    elif kind == "training-groups":
        statement = statement.order_by(TrainingGroup.position, TrainingGroup.id)
    elif kind == "tags":
        statement = statement.options(joinedload(Tag.group)).order_by(
            Tag.status.desc(), Tag.group_id, Tag.position, Tag.id
        )
    else:
        statement = statement.order_by(Region.position, Region.id)
    return db.session.scalars(statement).all()


@bp.get("/<kind>")
def listing(kind: str):
    _model, _form, title, new_label = _kind(kind)
    return render_template(
        f"admin/{kind.replace('-', '_')}.html",
        items=_listing(kind),
        title=title,
        new_label=new_label,
        kind=kind,
        member_counts=group_queries.member_counts() if kind == "training-groups" else {},
    )


@bp.route("/<kind>/new", methods=["GET", "POST"])
def create(kind: str):
    model, form_class, _title, new_label = _kind(kind)
    form = form_class()
    _prepare(form, kind)
    return _saved(form, kind, lambda values: actions.create(model, values, by=current_user)) or (
        form_page("admin/form.html", form, title=new_label, kind=kind)
    )


@bp.route("/<kind>/<int:item_id>", methods=["GET", "POST"])
def edit(kind: str, item_id: int):
    model, form_class, _title, _new = _kind(kind)
    item = db.session.get(model, item_id) or abort(404)
    form = form_class(obj=item)
    _prepare(form, kind)
    if request.method == "GET" and kind in ("organisations", "boards"):
        form.region.data = item.region_id or 0
    if request.method == "GET" and kind == "tags":
        form.group.data = item.group_id
    if request.method == "GET" and kind == "boards":
        form.training_group.data = item.group_id or 0
    title = item.name if kind == "organisations" else localized(item, "name")
    return _saved(form, kind, lambda values: actions.update(item, values, by=current_user)) or (
        form_page("admin/form.html", form, title=title, kind=kind)
    )


def _saved(form, kind: str, save):
    """Back to the list once a valid form is saved; None to show the form again, with a name
    already in use marked on its field."""
    if not form.validate_on_submit():
        return None
    try:
        save(_values(form, kind))
    except actions.Conflict:
        field = form.slug if hasattr(form, "slug") else form.name
        field.errors.append(_("This name is already in use. Choose another one."))
        return None
    flash(_("Saved."))
    return redirect(url_for("staff.admin.listing", kind=kind))


@bp.get("/members")
def members():
    query = request.args.get("q", "").strip()
    statement = select(User)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.display_name).like(pattern), User.email.like(pattern))
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = requested_page(total, MEMBERS_PER_PAGE)
    people = db.session.scalars(
        statement.order_by(User.display_name, User.id).offset(page.offset).limit(page.per_page)
    ).all()
    return render_template("admin/members.html", people=people, page=page, query=query)


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
def member(member_id: int):
    person = db.session.get(User, member_id) or abort(404)
    scopes = db.session.scalars(
        select(ModerationScope).where(ModerationScope.user_id == person.id)
    ).all()
    form = MemberForm(
        data={
            "role": person.role,
            "organisation": person.organisation_id,
            "active": person.active,
            "moderated_boards": [scope.board_id for scope in scopes if scope.board_id],
            "moderated_regions": [scope.region_id for scope in scopes if scope.region_id],
        }
    )
    form.organisation.choices = organisation_choices()
    form.moderated_boards.choices = [
        (board.id, localized(board, "name"))
        for board in db.session.scalars(select(Board).order_by(Board.position, Board.id))
    ]
    form.moderated_regions.choices = _region_choices(national=False)
    if form.validate_on_submit():
        try:
            actions.update_member(
                person,
                by=current_user,
                role=form.role.data,
                organisation_id=form.organisation.data,
                active=form.active.data,
                board_ids=set(form.moderated_boards.data),
                region_ids=set(form.moderated_regions.data),
            )
        except actions.SelfLockout:
            form.role.errors.append(_("You cannot remove your own administrator role or account."))
        else:
            flash(_("Saved."))
            return redirect(url_for("staff.admin.members"))
    return form_page("admin/member.html", form, person=person)


@bp.route("/members/<int:member_id>/erase", methods=["GET", "POST"])
def erase_member(member_id: int):
    """Erase an account on its owner's request (privacy.erasure), the request recorded."""
    person = db.session.get(User, member_id) or abort(404)
    if person.erased_at is not None:
        abort(404)
    form = EraseMemberForm()
    if form.validate_on_submit():
        try:
            erasure.erase_account(person, by=current_user, reason=form.reason.data,
                                  remove_posts=form.messages.data == "remove")  # fmt: skip
        except erasure.LastAdministrator:
            form.confirm.errors.append(
                _("This is the only administrator: make someone else an administrator first.")
            )
        else:
            return redirect_with(_("The account is erased."), "staff.admin.members")
    return form_page("admin/erase.html", form, person=person)


@bp.post("/members/<int:member_id>/reset-link")
def send_reset_link(member_id: int):
    person = db.session.get(User, member_id) or abort(404)
    if not person.active:
        abort(404)
    recovery.send_reset_link(person, by=current_user)
    flash(_("A link for choosing a new password is on its way to the member."))
    return redirect(url_for("staff.admin.member", member_id=person.id))


@bp.get("/audit")
def audit():
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", type=database_int)
    trail = audit_queries.trail_page(current_user, action=action, actor=actor)
    return render_template("audit/trail.html", trail=trail, action=action, actor=actor,
                           audit=audit_labels, endpoint="staff.admin.audit")  # fmt: skip
