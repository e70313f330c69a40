import re
import unicodedata

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from forum import policy
from forum.extensions import db
from forum.forms import form_page
from forum.i18n import localized
from forum.notices import redirect_with
from forum.pagination import requested_page
from forum.tags import actions, queries
from forum.tags.forms import TagMergeForm, TagProposalForm, ThreadTagsForm
from forum.tags.models import Tag
from forum.threads.actions import NotAllowed
from forum.threads.listing import thread_rows

bp = Blueprint("tags", __name__)
# Under /staff/ (forum.staff), behind its guard.
staff_bp = Blueprint("tags", __name__)
# From this many visible threads a tag is common enough that most recent threads carry it.
WALK_RECENT_THREADS_FROM = 200


@bp.get("/tags")
def index():
    return render_template(
        "tags/index.html",
        groups=queries.tag_groups(),
        counts=queries.visible_tag_counts(current_user),
    )


_APPROVED_TAG = (
    select(Tag)
    .where(Tag.slug == bindparam("slug"), Tag.status == "approved")
    .options(joinedload(Tag.group))  # the breadcrumb names the group
)


@bp.get("/tags/<slug>")
def show(slug: str):
    tag = db.session.scalar(_APPROVED_TAG, {"slug": slug})
    if tag is None:
        abort(404)
    total = queries.visible_tag_count(current_user, tag.id)
    page = requested_page(total, current_app.config["THREADS_PER_PAGE"])
    # A common tag: walk threads newest first and keep the tagged ones, stopping at the page,
    # rather than sort every tagged thread (101,000 posts: 12.8 -> 0.4 ms). For a rare tag the
    # walk would pass thousands of threads, so it gets the tag's own list, sorted.
    listing = "tag, walking recent threads" if total > WALK_RECENT_THREADS_FROM else "tag"
    threads = thread_rows(
        current_user, listing, tag_id=tag.id, offset=page.offset, limit=page.per_page
    )
    return render_template("tags/show.html", tag=tag, threads=threads, page=page)


@bp.route("/threads/<int:thread_id>/tags", methods=["GET", "POST"])
@login_required
def edit(thread_id: int):
    thread = policy.get_thread_or_404(thread_id, current_user)
    policy.require(current_user, "thread.tag", thread)
    form = ThreadTagsForm(data={"tags": [tag.id for tag in thread.tags]})
    form.tags.choices = queries.tag_choices()
    if form.validate_on_submit():
        try:
            chosen = actions.choose(form.tags.data)
            actions.set_thread_tags(thread, chosen, by=current_user)
        except actions.MissingRequiredTags as error:
            form.tags.errors.append(queries.missing_groups_message(error))
        except NotAllowed:
            abort(403)
        else:
            return redirect_with(_("The tags are saved."), "threads.show", thread_id=thread.id)
    return form_page("tags/edit.html", form, thread=thread, groups=queries.tag_groups())


def _slug_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "tag"


@bp.route("/tags/propose", methods=["GET", "POST"])
@login_required
def propose():
    policy.require(current_user, "tag.propose", None)
    form = TagProposalForm()
    form.group.choices = [(group.id, localized(group, "name")) for group in queries.tag_groups()]
    if form.validate_on_submit():
        try:
            actions.propose_tag(
                by=current_user, group_id=form.group.data, slug=_slug_for(form.name.data),
                name=form.name.data.strip(), description=form.description.data or "",
            )  # fmt: skip
        except actions.Conflict:
            form.name.errors.append(_("A tag with this name exists already."))
        else:
            flash(_("Thank you. Staff will review your proposal."))
            return redirect(url_for("tags.index"))
    return form_page("tags/propose.html", form)


@staff_bp.route("/tags/<int:tag_id>/merge", methods=["GET", "POST"])
@login_required
def merge(tag_id: int):
    policy.require(current_user, "forum.administer", None)
    source = db.session.get(Tag, tag_id) or abort(404)
    form = TagMergeForm()
    form.target.choices = [
        (tag_id, label) for tag_id, label in queries.tag_choices() if tag_id != source.id
    ]
    if form.validate_on_submit():
        target = db.session.get(Tag, form.target.data) or abort(404)
        actions.merge_tag(source, target, by=current_user, reason=form.reason.data)
        flash(_("The tags were merged."))
        return redirect(url_for("staff.admin.listing", kind="tags"))
    return form_page("tags/merge.html", form, source=source)
