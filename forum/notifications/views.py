from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forum import policy
from forum.extensions import csrf, db
from forum.forms import ForumForm, form_page
from forum.i18n import localized
from forum.notices import redirect_with
from forum.notifications import actions, bell, mailing, mentions, queries, watching
from forum.notifications.forms import LEVEL_LABELS, NotificationSettingsForm, WatchForm
from forum.notifications.models import THREAD_LEVELS, WatchLevel, WatchTarget
from forum.pagination import requested_number, requested_page
from forum.tags.models import Tag, TagGroup

bp = Blueprint("notifications", __name__)
WATCHES_PER_PAGE = 50


@bp.get("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html", news=queries.by_thread(current_user),
        from_staff=queries.from_staff(current_user),
        practices=queries.about_practices(current_user), form=ForumForm(),
    )  # fmt: skip


@bp.get("/notifications/threads/<int:thread_id>")
@login_required
def open_thread(thread_id: int):
    """Read a thread's replies: to its first unread one, and they are read."""
    return _read_and_open(queries.first_unread_post(current_user, thread_id), thread_id=thread_id)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Read one notification: to the post it is about, and it is read."""
    post_id = queries.post_of(current_user, notification_id)
    return _read_and_open(post_id, notification_id=notification_id)


def _read_and_open(post_id: int | None, **which):
    if post_id is None:  # none of the reader's, or no longer readable
        abort(404)
    actions.mark_read(current_user.id, **which)
    return redirect(url_for("threads.permalink", post_id=post_id))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if ForumForm().validate_on_submit():
        actions.mark_read(current_user.id)
        flash(_("All your notifications are marked read."))
    return redirect(url_for("notifications.index"))


def init_app(app) -> None:
    """The bell: counted again before a signed-in request where the kept count is stale
    (notifications.bell), and read by templates as unread_notifications()."""

    @app.before_request
    def settle_the_bell() -> None:
        if request.endpoint != "static" and current_user.is_authenticated:
            bell.settle(current_user)

    def unread_notifications() -> int:
        return bell.count(current_user) if current_user.is_authenticated else 0

    app.jinja_env.globals["unread_notifications"] = unread_notifications


def _watch_page(target: WatchTarget, target_id: int, name: str, back: tuple, levels):
    """The page where the reader chooses their level for one thread, board, tag or tag group;
    back: (endpoint, values) of the page it is about."""
    endpoint, values = back
    form = WatchForm().offer(levels)
    if form.validate_on_submit():
        watching.set_level(current_user, target, target_id, WatchLevel(form.level.data))
        return redirect_with(_("Your choice is saved."), endpoint, **values)
    if not form.is_submitted():
        form.level.data = watching.level_of(current_user, target, target_id).value
    return form_page("notifications/watch.html", form, name=name, back=url_for(endpoint, **values))


@bp.route("/threads/<int:thread_id>/watch", methods=["GET", "POST"])
@login_required
def watch_thread(thread_id: int):
    thread = policy.get_thread_row_or_404(thread_id, current_user)
    back = ("threads.show", {"thread_id": thread.id})
    return _watch_page(WatchTarget.THREAD, thread.id, thread.title, back, THREAD_LEVELS)


@bp.route("/boards/<slug>/watch", methods=["GET", "POST"])
@login_required
def watch_board(slug: str):
    board = policy.get_board_row_or_404(slug, current_user)
    back = ("boards.show", {"slug": board.slug})
    return _watch_page(WatchTarget.BOARD, board.id, localized(board, "name"), back, WatchLevel)


@bp.route("/tags/<slug>/watch", methods=["GET", "POST"])
@login_required
def watch_tag(slug: str):
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug, Tag.status == "approved"))
    if tag is None:
        abort(404)
    back = ("tags.show", {"slug": tag.slug})
    return _watch_page(WatchTarget.TAG, tag.id, localized(tag, "name"), back, WatchLevel)


@bp.route("/tag-groups/<slug>/watch", methods=["GET", "POST"])
@login_required
def watch_tag_group(slug: str):
    group = db.session.scalar(select(TagGroup).where(TagGroup.slug == slug)) or abort(404)
    back = ("tags.index", {})
    return _watch_page(WatchTarget.TAG_GROUP, group.id, localized(group, "name"), back, WatchLevel)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """What the reader watches or muted, and whether taking part watches a thread."""
    form = NotificationSettingsForm()
    if form.validate_on_submit():
        watching.set_watches_participated(current_user, form.watch_participated.data)
        mailing.set_digest_every(current_user.id, form.digest_every.data)
        for kind in mailing.KINDS:
            mailing.set_mail_choice(current_user.id, kind, form[f"mail_{kind}"].data)
        return redirect_with(_("Your choices are saved."), "notifications.settings")
    if not form.is_submitted():
        form.watch_participated.data = watching.watches_participated(current_user)
        form.digest_every.data = mailing.digest_every(current_user)
        for kind in mailing.KINDS:
            form[f"mail_{kind}"].data = mailing.mail_choice(current_user, kind)
    offset = (requested_number() - 1) * WATCHES_PER_PAGE
    watches, total = queries.watched(current_user, offset=offset, limit=WATCHES_PER_PAGE)
    page = requested_page(total, WATCHES_PER_PAGE)
    return form_page(
        "notifications/settings.html", form, watches=watches, page=page,
        LEVEL_LABELS=LEVEL_LABELS,
    )  # fmt: skip


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail program's one-click POST (RFC 8058) carries the signed token, no form's
def unsubscribe(token: str):
    """Stop one kind of notification e-mail, from the link in such an e-mail: no sign-in. A GET
    only asks (a mail filter that opens links must not unsubscribe anyone); a POST stops it."""
    found = mailing.read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user_id, kind = found
    if request.method == "POST":
        mailing.set_mail_choice(user_id, kind, mailing.OFF)
        return render_template("notifications/unsubscribed.html", kind=kind)
    return render_template("notifications/unsubscribe.html", kind=kind)


@bp.get("/mentions/names")
@login_required
def mention_names():
    """Members whose name starts with ?q= (two letters at least), for the @mention picker: to
    members only, as profiles are."""
    policy.require(current_user, "member.mention", None)
    return jsonify(names=mentions.names_starting(request.args.get("q", "")))
