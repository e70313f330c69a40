from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME
from sqlalchemy.orm import contains_eager

from forum import policy
from forum.auth import actions, address, invitations, recovery, signup
from forum.auth.forms import (
    AcceptInvitationForm,
    AddressChangeForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    RegistrationForm,
    ResetPasswordForm,
)
from forum.auth.models import Membership, User
from forum.auth.throttle import SignInThrottle
from forum.extensions import db, limiter, login_manager
from forum.forms import form_page
from forum.i18n import current_locale, forget_browser_choice, refresh
from forum.regions.queries import organisation_choices
from forum.security import safe_next
from forum.threads.models import Post, Thread

bp = Blueprint("auth", __name__)

PROFILE_LIST_LENGTH = 20


def _sign_in(user: User, *, remember: bool) -> None:
    # A fresh session at every sign-in: nothing set before it carries over.
    session.clear()
    actions.start_session(user, remember=remember)
    login_user(user, remember=remember)
    refresh()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("boards.index"))
    form = RegistrationForm()
    form.organisation.choices = organisation_choices()
    if request.method == "GET":
        form.locale.data = current_locale()
    if form.validate_on_submit():
        signup.sign_up(
            display_name=form.display_name.data,
            email=form.email.data,
            password=form.password.data,
            organisation_id=form.organisation.data,
            locale=form.locale.data,
        )
        # The same page whether or not the address had an account: its owner is told by mail.
        return redirect(url_for("auth.registered"))
    return form_page("auth/register.html", form)


@bp.get("/register/sent")
def registered():
    return render_template("auth/registered.html")


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        user = signup.confirm_email(token)
    except signup.InvalidToken:
        return render_template("auth/confirm_invalid.html"), 400
    if user.membership == Membership.APPROVED:
        flash(_("Your email address is confirmed. Sign in to join the discussions."))
    else:
        flash(_("Your email address is confirmed. Staff of the programme will look at your "
                "request to join your organisation; you will get an email when it is decided. "
                "Until then you can read the public boards."))  # fmt: skip
    return redirect(url_for("auth.login"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invitation(token: str):
    try:
        invitation = invitations.valid(token)
    except invitations.InvalidToken:
        return render_template("auth/confirm_invalid.html", invitation=True), 400
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.locale.data = invitation.locale
    if form.validate_on_submit():
        try:
            user = invitations.accept(
                token, display_name=form.display_name.data, password=form.password.data,
                locale=form.locale.data,
            )  # fmt: skip
        except invitations.InvalidToken:
            return render_template("auth/confirm_invalid.html", invitation=True), 400
        except invitations.AddressTaken:
            return render_template("auth/confirm_invalid.html", taken=True), 409
        if current_user.is_authenticated:  # someone else's sign-in in this browser ends
            actions.end_session(current_user.session_token)
            logout_user()
        _sign_in(user, remember=False)
        flash(_("Welcome to the forum. You are a member of %(organisation)s.",
                organisation=invitation.organisation.name))  # fmt: skip
        return redirect(url_for("boards.index"))
    return form_page("auth/accept_invitation.html", form, invitation=invitation)


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next"), url_for("boards.index"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    failed = throttled = False
    if form.validate_on_submit():
        throttle = SignInThrottle(actions.normalise_email(form.email.data))
        if not throttle.allows():
            throttle.refused()
            throttled = True
        elif (user := actions.authenticate(form.email.data, form.password.data)) is not None:
            if user.email_confirmed_at is None:
                signup.resend_confirmation(user)
                page = render_template("auth/login.html", form=form, unconfirmed=True,
                                       next=target)  # fmt: skip
                return page, 403
            _sign_in(user, remember=form.remember.data)
            response = redirect(target)
            throttle.remember_device(response)
            forget_browser_choice(response)
            return response
        else:
            throttle.failed()
            failed = True
    status = 429 if throttled else 422 if (failed or form.errors) else 200
    page = render_template(
        "auth/login.html", form=form, failed=failed, throttled=throttled, next=target
    )
    return page, status, {"Retry-After": "60"} if throttled else {}


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data)
        # The same words whether or not the address has an account.
        flash(_("If an account has this address, a link to choose a new password is on its "
                "way. The link works for an hour."))  # fmt: skip
        return redirect(url_for("auth.login"))
    return form_page("auth/forgot.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        recovery.valid_reset_token(token)
    except recovery.InvalidToken:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, new_password=form.password.data)
        except recovery.InvalidToken:
            return render_template("auth/reset_invalid.html"), 400
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(_("Your password is changed, and every earlier sign-in has ended. Sign in with "
                "your new password."))  # fmt: skip
        return redirect(url_for("auth.login"))
    return form_page("auth/reset.html", form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        actions.end_session(current_user.session_token)
        logout_user()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("boards.index"))


@bp.get("/users/<int:user_id>")
def profile(user_id: int):
    """A member's page, for members: who posts here, and from which organisation, is not for
    every visitor of the public boards to read."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    policy.require(current_user, "member.view", user)
    threads = db.session.scalars(
        policy.visible_threads(current_user)
        .where(Thread.author_id == user.id)
        .options(contains_eager(Thread.board))
        .order_by(Thread.created_at.desc())
        .limit(PROFILE_LIST_LENGTH)
    ).all()
    posts = db.session.execute(
        policy.visible_posts(current_user)
        .add_columns(Thread.title)
        .where(Post.author_id == user.id, Post.depth > 0)
        .order_by(Post.created_at.desc())
        .limit(PROFILE_LIST_LENGTH)
    ).all()
    return render_template("auth/profile.html", user=user, threads=threads, posts=posts)


def _account_page(preferences=None, password=None, email=None):
    preferences = preferences or PreferencesForm(prefix="prefs", locale=current_user.locale)
    password = password or PasswordChangeForm(prefix="password")
    email = email or AddressChangeForm(prefix="email")
    status = 422 if (preferences.errors or password.errors or email.errors) else 200
    page = render_template(
        "auth/account.html", preferences=preferences, password=password, email=email,
        address=current_user.account().email,
    )  # fmt: skip
    return page, status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/preferences")
@login_required
def save_preferences():
    form = PreferencesForm(prefix="prefs")
    if not form.validate_on_submit():
        return _account_page(preferences=form)
    actions.set_locale(current_user.account(), form.locale.data)
    current_user.locale = form.locale.data  # the notice below is in the new language
    refresh()
    flash(_("Your preferences are saved."))
    response = redirect(url_for("auth.account"))
    forget_browser_choice(response)
    return response


@bp.post("/account/password")
@login_required
def change_password():
    form = PasswordChangeForm(prefix="password")
    if form.validate_on_submit():
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
        account = current_user.account()
        try:
            actions.change_password(
                account,
                current_password=form.current_password.data,
                new_password=form.password.data,
                remember=remembered,
            )
        except actions.WrongPassword:
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            login_user(account, remember=remembered)  # with the session change_password made
            flash(_("Your password is changed. You were signed out everywhere else."))
            return redirect(url_for("auth.account"))
    return _account_page(password=form)


@bp.post("/account/email")
@login_required
@limiter.limit("10 per hour")
def change_email():
    form = AddressChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            address.request_change(
                current_user.account(), password=form.current_password.data,
                new_email=form.email.data,
            )  # fmt: skip
        except address.WrongPassword:
            form.current_password.errors.append(_("The current password is not correct."))
        except address.SameAddress:
            form.email.errors.append(_("This is already your email address."))
        else:
            # The same words whether or not another account has the address.
            flash(_("A link to confirm the new address is on its way to %(email)s. Your address "
                    "changes when you follow it; until then, sign in with your current one.",
                    email=actions.normalise_email(form.email.data)))  # fmt: skip
            return redirect(url_for("auth.account"))
    return _account_page(email=form)


@bp.get("/account/email/confirm/<token>")
def confirm_new_address(token: str):
    try:
        user = address.confirm_change(token)
    except address.InvalidToken:
        return render_template("auth/confirm_invalid.html", change=True), 400
    except address.AddressTaken:
        return render_template("auth/confirm_invalid.html", taken=True), 409
    flash(_("Your email address is now %(email)s.", email=user.email))
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.route("/account/email/undo/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def undo_address_change(token: str):
    """From the mail to the address the account left: the account returns to it, with a new
    password. A form, not a plain link: a mail filter that opens links must not undo a change."""
    try:
        restored = address.valid_undo_token(token).new_email
    except address.InvalidToken:
        return render_template("auth/reset_invalid.html", undo=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            address.undo_change(token, new_password=form.password.data)
        except address.InvalidToken:
            return render_template("auth/reset_invalid.html", undo=True), 400
        except address.AddressTaken:
            return render_template("auth/confirm_invalid.html", taken=True), 409
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(_("Your account is back at %(email)s with your new password, and every sign-in "
                "has ended. Sign in again.", email=restored))  # fmt: skip
        return redirect(url_for("auth.login"))
    return form_page("auth/undo_address.html", form, restored=restored)
