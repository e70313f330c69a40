from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import String, cast, func, literal, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from forum import policy
from forum.config import SUPPORTED_LOCALES
from forum.database import utcnow
from forum.extensions import db
from forum.i18n import current_locale
from forum.pagination import requested_page
from forum.practices import actions
from forum.practices.forms import MATURITY_LABELS, AdoptForm, CurateForm
from forum.practices.models import GoodPractice, PracticeSummary
from forum.regions.models import Organisation, Region
from forum.tags.models import Tag, thread_tag
from forum.tags.queries import tag_groups
from forum.threads.actions import NotAllowed
from forum.threads.listing import tag_links
from forum.threads.models import Thread

bp = Blueprint("practices", __name__)

PER_PAGE = 20
FEED_LENGTH = 30
SORTS = {"newest": GoodPractice.created_at.desc(), "discussed": Thread.reply_count.desc()}


@bp.app_context_processor
def _labels():
    # The thread page shows the badge too.
    return {"MATURITY_LABELS": MATURITY_LABELS}


def _filtered(user, args):
    statement = policy.visible_practices(user)
    for slug in args.getlist("tag"):
        statement = statement.where(
            GoodPractice.thread_id.in_(
                select(thread_tag.c.thread_id)
                .join(Tag, Tag.id == thread_tag.c.tag_id)
                .where(Tag.slug == slug)
            )
        )
    if region := args.get("region", type=int):
        statement = statement.join(GoodPractice.organisation).where(
            Organisation.region_id == region
        )
    if organisation := args.get("organisation", type=int):
        statement = statement.where(GoodPractice.organisation_id == organisation)
    if (language := args.get("language")) in SUPPORTED_LOCALES:
        statement = statement.where(
            GoodPractice.id.in_(
                select(PracticeSummary.practice_id).where(PracticeSummary.language == language)
            )
        )
    return statement


def _facets(statement) -> dict[str, dict]:
    """How many of the filtered practices have each tag, region, organisation and summary
    language: one query, the four counts in one UNION ALL, with each value as text."""
    ids = statement.with_only_columns(GoodPractice.id).subquery()

    def counted(name: str, column, *joins):
        query = (
            select(literal(name), cast(column, String), func.count())
            .select_from(GoodPractice)
            .join(ids, ids.c.id == GoodPractice.id)
        )
        for target, condition in joins:
            query = query.join(target, condition)
        return query.group_by(column)

    rows = db.session.execute(
        union_all(
            counted(
                "tag",
                Tag.slug,
                (thread_tag, thread_tag.c.thread_id == GoodPractice.thread_id),
                (Tag, Tag.id == thread_tag.c.tag_id),
            ),
            counted(
                "region",
                Organisation.region_id,
                (Organisation, Organisation.id == GoodPractice.organisation_id),
            ),
            counted("organisation", GoodPractice.organisation_id),
            counted(
                "language",
                PracticeSummary.language,
                (PracticeSummary, PracticeSummary.practice_id == GoodPractice.id),
            ),
        )  # fmt: skip
    ).all()
    facets: dict[str, dict] = {"tag": {}, "region": {}, "organisation": {}, "language": {}}
    numeric = {"region", "organisation"}
    for name, value, count in rows:
        if value is not None:
            facets[name][int(value) if name in numeric else value] = count
    return facets


@bp.get("/practices")
def library():
    statement = _filtered(current_user, request.args)
    counted = statement.with_only_columns(GoodPractice.id).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted))
    page = requested_page(total, PER_PAGE) if total else None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "newest"
    practices = []
    if page:
        practices = db.session.scalars(
            statement.options(
                contains_eager(GoodPractice.thread).contains_eager(Thread.board),
                selectinload(GoodPractice.summaries),
                joinedload(GoodPractice.organisation),
            )
            .order_by(SORTS[sort], GoodPractice.id.desc())
            .offset(page.offset)
            .limit(page.per_page)
        ).all()
    facets = _facets(statement)
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(facets["organisation"]))
        .order_by(Organisation.name)
    ).all()  # fmt: skip
    return render_template(
        "practices/library.html",
        practices=practices,
        tags=tag_links([practice.thread_id for practice in practices]),
        page=page,
        total=total,
        sort=sort,
        facets=facets,
        chosen_tags=request.args.getlist("tag"),
        args=request.args,
        groups=tag_groups(),
        regions=db.session.scalars(select(Region).order_by(Region.position)).all(),
        organisations=organisations,
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
            "url": url_for("threads.show", thread_id=practice.thread_id, _external=True),
            "updated": practice.created_at,
            "summary": summary_in(practice, current_locale()).core_idea
            if practice.summaries
            else "",
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


@bp.route("/threads/<int:thread_id>/practice", methods=["GET", "POST"])
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
    if form.validate_on_submit():
        try:
            actions.curate(
                thread, by=current_user, maturity=form.maturity.data,
                language=form.language.data,
                summary={field: getattr(form, field).data for field in actions.SUMMARY_FIELDS},
            )  # fmt: skip
        except NotAllowed:
            abort(403)
        flash(_("The good practice is saved."))
        return redirect(url_for("threads.show", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("practices/curate.html", form=form, thread=thread), status


@bp.post("/practices/<int:practice_id>/adopt")
@login_required
def adopt(practice_id: int):
    practice = db.session.get(GoodPractice, practice_id) or abort(404)
    policy.get_thread_or_404(practice.thread_id, current_user)
    policy.require(current_user, "practice.adopt", practice)
    form = AdoptForm()
    if form.validate_on_submit():
        try:
            actions.adopt(practice, by=current_user, comment=form.comment.data or "")
        except actions.AlreadyAdopted:
            flash(_("Your organisation has already said it tried this."))
        else:
            flash(_("Thank you for telling others that you tried this too."))
    return redirect(url_for("threads.show", thread_id=practice.thread_id))
