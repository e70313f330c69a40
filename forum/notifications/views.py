from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.forms import ForumForm
from forum.notifications import actions, queries

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html", news=queries.by_thread(current_user),
        from_staff=queries.from_staff(current_user), form=ForumForm(),
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
    """The bell: templates ask unread_notifications() for the signed-in reader's count."""

    def unread_notifications() -> int:
        return queries.unread_count(current_user) if current_user.is_authenticated else 0

    app.jinja_env.globals["unread_notifications"] = unread_notifications
