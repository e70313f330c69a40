from datetime import datetime
from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from forum.auth.actions import WrongPassword
from forum.database import utcnow
from forum.forms import ForumForm, form_page
from forum.notices import redirect_with
from forum.privacy import erasure, export, retention
from forum.privacy.forms import EraseForm

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def notice():
    """The privacy notice (tietosuojaseloste), for everyone, signed in or not."""
    contact = current_app.config["FORUM_PRIVACY_CONTACT"]
    return render_template("privacy/notice.html", kept=retention.periods(), contact=contact)


@bp.get("/account/data")
@login_required
def data():
    return render_template("privacy/data.html", exports=export.exports_of(current_user),
                           form=ForumForm(), now=utcnow(),
                           kept_days=export.EXPORT_KEPT.days)  # fmt: skip


@bp.post("/account/data/export")
@login_required
def request_export():
    if not ForumForm().validate_on_submit():
        abort(400)
    export.request_export(current_user)
    return redirect_with(
        _("Your copy is being prepared. We will e-mail you when it is ready to download."),
        "privacy.data",
    )


@bp.get("/account/data/exports/<int:export_id>")
@login_required
def download(export_id: int):
    content = export.offered(current_user, export_id)
    if content is None:
        abort(404)
    response = send_file(BytesIO(content), mimetype="application/zip", as_attachment=True,
                         download_name=f"forum-data-{export_id}.zip")  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erasure.erase_own_account(current_user.account(), password=form.current_password.data,
                                      remove_posts=form.messages.data == "remove")  # fmt: skip
        except WrongPassword:
            form.current_password.errors.append(_("The password is not right."))
        except erasure.LastAdministrator:
            form.confirm.errors.append(
                _("You are the only administrator: make someone else an administrator first.")
            )
        else:
            logout_user()
            return redirect_with(_("Your account is erased. Thank you for taking part."),
                                 "boards.index")  # fmt: skip
    return form_page("privacy/erase.html", form)


def init_app(app) -> None:
    # The readable page of a member's copy writes each value as what it is.
    app.jinja_env.tests["datetime_value"] = lambda value: isinstance(value, datetime)
