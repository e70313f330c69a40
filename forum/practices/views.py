from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from forum import policy
from forum.config import SUPPORTED_LOCALES
from forum.database import utcnow
from forum.extensions import db
from forum.forms import form_page
from forum.i18n import PerLanguage, current_locale
from forum.notices import redirect_with
from forum.pagination import requested_page
from forum.practices import actions, library
from forum.practices.forms import MATURITY_LABELS, AdoptForm, CurateForm
from forum.practices.models import GoodPractice, PracticeSummary
from forum.regions.queries import region_id
from forum.security import database_int
from forum.tags.models import Tag, thread_tag
from forum.tags.queries import listed_tag_links, tag_groups
from forum.threads.actions import NotAllowed
from forum.threads.forms import clear_of_personal_data
from forum.threads.models import Thread

bp = Blueprint("practices", __name__)
# Under /staff/ (forum.staff), behind its guard.
staff_bp = Blueprint("practices", __name__)

PER_PAGE = 20
FEED_LENGTH = 30


_MATURITY_LABELS = PerLanguage(MATURITY_LABELS)


@bp.app_context_processor
def _labels():
    # The thread page shows the badge too.
    return {"MATURITY_LABELS": _MATURITY_LABELS()}


def _library_filters(args) -> library.Filters:
    language = args.get("language")
    return library.Filters(
        tags=tuple(args.getlist("tag"))[: library.MAX_TAGS],
        region=args.get("region", type=region_id),
        organisation=args.get("organisation", type=database_int),
        language=language if language in SUPPORTED_LOCALES else None,
    )


@bp.get("/practices", endpoint="library")
def library_page():
    filters = _library_filters(request.args)
    facets = library.facets(current_user, filters)
    total = facets.total
    page = requested_page(total, PER_PAGE) if total else None
    sort = request.args.get("sort") if request.args.get("sort") in library.SORTS else "newest"
    practices = []
    if page:
        practices = library.page(
            current_user,
            filters,
            sort=sort,
            offset=page.offset,
            limit=page.per_page,
            locale=current_locale(),
        )
    return render_template(
        "practices/library.html",
        practices=practices,
        tags=listed_tag_links(practices, thread_id="thread_id"),
        page=page,
        total=total,
        sort=sort,
        facets=facets,
        chosen_tags=request.args.getlist("tag"),
        args=request.args,
        # What the pagination links carry on: the filters and order, not the page itself.
        filter_args={key: values for key, values in request.args.lists() if key != "page"},
        groups=tag_groups(),
        regions=library.regions(),
        organisations=facets.organisations,
    )


@bp.get("/practices.atom")
def library_feed():
    practices = db.session.scalars(
        policy.visible_practices(current_user)
        .options(contains_eager(GoodPractice.thread), selectinload(GoodPractice.summaries))
        .order_by(GoodPractice.created_at.desc())
        .limit(FEED_LENGTH)
    ).all()
    entries = [
        {
            "title": practice.thread.title,
            "language": practice.thread.language,
            "url": url_for("threads.show", thread_id=practice.thread_id, _external=True),
            "updated": practice.created_at,
            "summary": summary_in(practice, current_locale()).core_idea
            if practice.summaries
            else "",
            "summary_language": summary_in(practice, current_locale()).language
            if practice.summaries
            else None,
        }
        for practice in practices
    ]
    return _feed(_("Good practices"), url_for("practices.library", _external=True), entries)


@bp.get("/tags/<slug>.atom")
def tag_feed(slug: str):
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug, Tag.status == "approved"))
    if tag is None:
        abort(404)
    threads = db.session.scalars(
        policy.visible_threads(current_user)
        .where(Thread.id.in_(select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == tag.id)))
        .order_by(Thread.last_activity_at.desc())
        .limit(FEED_LENGTH)
    ).all()
    entries = [
        {
            "title": thread.title,
            "language": thread.language,
            "url": url_for("threads.show", thread_id=thread.id, _external=True),
            "updated": thread.last_activity_at,
            "summary": "",
        }
        for thread in threads
    ]
    title = getattr(tag, f"name_{current_locale()}")
    return _feed(title, url_for("tags.show", slug=slug, _external=True), entries)


def _feed(title, link, entries):
    body = render_template(
        "practices/feed.xml",
        title=title,
        link=link,
        entries=entries,
        feed_url=request.url,
        updated=entries[0]["updated"] if entries else utcnow(),
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


def summary_in(practice: GoodPractice, language: str) -> PracticeSummary:
    """The summary in `language`, else the first one written."""
    by_language = {summary.language: summary for summary in practice.summaries}
    return by_language.get(language) or practice.summaries[0]


@staff_bp.route("/threads/<int:thread_id>/practice", methods=["GET", "POST"])
@login_required
def curate(thread_id: int):
    thread = policy.get_thread_or_404(thread_id, current_user)
    policy.require(current_user, "thread.curate", thread)
    practice = db.session.scalar(select(GoodPractice).where(GoodPractice.thread_id == thread.id))
    language = request.values.get("language") or current_locale()
    existing = {s.language: s for s in practice.summaries}.get(language) if practice else None
    form = CurateForm(
        obj=existing, data={"maturity": practice.maturity if practice else "piloted",
                            "language": language},
    )  # fmt: skip
    # A summary is read by everyone who may read the thread: checked as messages are.
    if form.validate_on_submit() and clear_of_personal_data(form, actions.SUMMARY_FIELDS):
        try:
            actions.curate(
                thread, by=current_user, maturity=form.maturity.data,
                language=form.language.data,
                summary={field: getattr(form, field).data for field in actions.SUMMARY_FIELDS},
            )  # fmt: skip
        except NotAllowed:
            abort(403)
        return redirect_with(_("The good practice is saved."), "threads.show",
                             thread_id=thread.id)  # fmt: skip
    return form_page("practices/curate.html", form, thread=thread)


@bp.post("/practices/<int:practice_id>/adopt")
@login_required
def adopt(practice_id: int):
    practice = db.session.get(GoodPractice, practice_id) or abort(404)
    policy.get_thread_or_404(practice.thread_id, current_user)
    policy.require(current_user, "practice.adopt", practice)
    form = AdoptForm()
    if form.validate_on_submit():
        try:
            actions.adopt(practice, by=current_user, comment=form.comment.data or "",
                          language=form.language.data)  # fmt: skip
        except actions.AlreadyAdopted:
            flash(_("Your organisation has already said it tried this."))
        else:
            flash(_("Thank you for telling others that you tried this too."))
    return redirect(url_for("threads.show", thread_id=practice.thread_id))
