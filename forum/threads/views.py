import difflib
from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import markup, personal_data, policy
from forum.boards.models import Board
from forum.database import saved_id
from forum.extensions import db, limiter
from forum.i18n import current_locale
from forum.notices import redirect_with
from forum.pagination import requested_page, requested_page_counted
from forum.tags import actions as tag_actions
from forum.tags.queries import (
    listed_tag_links,
    missing_groups_message,
    tag_groups,
    thread_tag_links,
)
from forum.threads import actions, new_members, reading, unread
from forum.threads.forms import (
    UNRENDERABLE,
    EditForm,
    OpeningPostEditForm,
    QuickReply,
    ReplyForm,
    ThreadForm,
    held_note,
    new_member_message,
    personal_data_in,
    personal_data_message,
    warn_of_personal_data,
)
from forum.threads.listing import thread_rows, unread_thread_count
from forum.threads.rendering import post_context

bp = Blueprint("threads", __name__)


def _new_form(form_class):
    """A post form whose language starts as the reader's."""
    form = form_class()
    if not form.is_submitted():
        form.language.data = current_locale()
    return form


def _writer() -> str:
    return str(current_user.id)


# Generous for people, low enough to stop a script flooding the forum.
WRITE_LIMIT = "20 per minute;300 per day"


def _post_form(rule: str):
    """The route of a page with a post form: for signed-in members, its sending limited."""

    def route(view):
        limited = limiter.limit(WRITE_LIMIT, methods=["POST"], key_func=_writer)(view)
        return bp.route(rule, methods=["GET", "POST"])(login_required(limited))

    return route


def _written(form, write, refusals=None, scanned=()):
    """(what write() stored, None) from a valid post form; else (None, the page's status) with
    the reason in the form's errors and the text kept: 429 at a new member's hourly cap, 422
    for any other refusal. The refusals every post form shares are here; `refusals` maps a
    form's own exceptions to what it does with them.

    The `scanned` fields are checked for personal data: found, the form comes back saying what
    and where, until the member removes it or ticks that it may be shown; then write(held=...)
    is told what was found, and the message waits for a moderator."""
    refusals = refusals or {}
    if form.validate_on_submit():
        findings = personal_data_in(form, scanned)
        form.personal_data_found = bool(findings)
        if request.form.get("preview"):  # the Preview button, for browsers without JavaScript
            return None, _preview_into(form, findings)
        if findings and not form.personal_data_checked.data:
            warn_of_personal_data(form, findings)
            return None, 422
        held = held_note(findings) if findings else None
        try:
            return write(held=held), None
        except actions.NotAllowed:
            abort(403)
        except markup.Unrenderable:
            form.body.errors.append(str(UNRENDERABLE))
        except new_members.NewMemberLimit as error:
            form.body.errors.append(new_member_message(error))
            if error.kind == "posts":
                return None, 429
        except tuple(refusals) as error:
            next(handle for kind, handle in refusals.items() if isinstance(error, kind))(error)
    return None, 422 if form.errors else 200


def _preview_into(form, findings: dict) -> int:
    """Show the message as it would be, and what the personal-data check says of it, storing
    nothing; the page's status."""
    try:
        form.preview_html = markup.render(form.body.data).html
    except markup.Unrenderable:
        form.body.errors.append(str(UNRENDERABLE))
    warn_of_personal_data(form, findings)
    return 422 if form.errors else 200


@_post_form("/boards/<slug>/new")
def start(slug: str):
    board = policy.get_board_or_404(slug, current_user)
    policy.require(current_user, "thread.start", board)
    form = _new_form(ThreadForm)
    thread, status = _written(
        form,
        lambda held: actions.start_thread(
            board, by=current_user, title=form.title.data, body=form.body.data,
            language=form.language.data, submission_id=form.submission_id.data,
            tags=tag_actions.choose(form.tags.data), held=held,
        ),
        {tag_actions.MissingRequiredTags: lambda error: form.tags.errors.append(
            missing_groups_message(error))},
        scanned=("title", "body"),
    )  # fmt: skip
    if thread is not None:
        return redirect(url_for("threads.show", thread_id=saved_id(thread)))
    return render_template(
        "threads/new.html", board=board, form=form, tag_groups=tag_groups()
    ), status


@bp.get("/threads/<int:thread_id>")
def show(thread_id: int):
    thread = policy.get_thread_row_or_404(thread_id, current_user)
    config = current_app.config
    page = requested_page(thread.branch_count, config["BRANCHES_PER_PAGE"])
    roots = reading.thread_page(
        thread,
        offset=page.offset,
        branches=page.per_page,
        paginated=page.pages > 1,
        max_depth=config["INLINE_DEPTH"],
        per_branch=config["POSTS_PER_BRANCH"],
    )
    if not roots or roots[0].post.depth != 0:
        abort(404)  # a thread whose opening post is missing cannot be shown
    read_up_to = first_unread = None
    if current_user.is_authenticated:
        read_up_to = unread.last_read(current_user, thread)
        if thread.last_activity_at > read_up_to:
            first_unread = unread.first_unread_post_id(current_user, thread.id, read_up_to)
    context = post_context(current_user, thread, new_after=first_unread and read_up_to)
    html = render_template(
        "threads/show.html",
        thread=thread,
        opening=roots[0],
        page=page,
        first_unread=first_unread,
        quick_reply=_quick_reply_to(roots[0].post, context["perms"]),
        tags=thread_tag_links(thread),
        inline_depth=config["INLINE_DEPTH"],
        **context,
    )
    # Once the page is made: the write ends the read transaction its objects came from.
    if read_up_to is not None and thread.last_activity_at > read_up_to:
        unread.mark_thread_read(current_user, thread.id, thread.last_activity_at)
    return html


@bp.get("/threads/<int:thread_id>/unread")
@login_required
def first_unread(thread_id: int):
    """The first message of the thread that is new to the reader (or its first page)."""
    thread = policy.get_thread_row_or_404(thread_id, current_user)
    since = unread.last_read(current_user, thread)
    post_id = unread.first_unread_post_id(current_user, thread.id, since)
    if post_id is None:
        return redirect(url_for("threads.show", thread_id=thread.id))
    return redirect(url_for("threads.permalink", post_id=post_id))


@bp.get("/unread")
@login_required
def unread_threads():
    """New since your last visit: the threads with messages the reader has not seen."""
    page = requested_page_counted(partial(unread_thread_count, current_user),
                                  current_app.config["THREADS_PER_PAGE"])  # fmt: skip
    threads = thread_rows(current_user, "unread", offset=page.offset, limit=page.per_page)
    return render_template(
        "threads/unread.html",
        threads=threads,
        tags=listed_tag_links(threads),
        page=page,
    )


@bp.post("/unread/read")
@login_required
def mark_all_read():
    boards = db.session.scalars(policy.visible_boards(current_user).with_only_columns(Board.id))
    unread.mark_boards_read(current_user, boards.all())
    return redirect_with(_("Everything is marked as read."), "threads.unread_threads")


def _quick_reply_to(parent, perms: policy.ThreadPermissions) -> QuickReply | None:
    """The page's empty reply form, when the reader may reply to `parent`."""
    if current_user.is_authenticated and perms.for_post(parent).reply:
        return QuickReply.new(current_locale())
    return None


@bp.get("/posts/<int:post_id>")
def permalink(post_id: int):
    """A post's lasting address: its place on its thread's page, or its own branch page."""
    post = policy.get_post_or_404(post_id, current_user)
    return redirect(_place_of(post))


def _place_of(post) -> str:
    config = current_app.config
    return reading.place_of(
        post,
        inline_depth=config["INLINE_DEPTH"],
        per_branch=config["POSTS_PER_BRANCH"],
        branches_per_page=config["BRANCHES_PER_PAGE"],
    )


@bp.get("/posts/<int:post_id>/branch")
def branch(post_id: int):
    """One branch on a page of its own: the post, its replies, and the way back up."""
    post = policy.get_post_or_404(post_id, current_user)
    inline_depth = post.depth + current_app.config["INLINE_DEPTH"]
    focus = reading.subtree(post, max_depth=inline_depth)
    context = post_context(current_user, post.thread)
    return render_template(
        "threads/branch.html",
        thread=post.thread,
        focus=focus,
        ancestors=reading.ancestors(post),
        quick_reply=_quick_reply_to(post, context["perms"]),
        inline_depth=inline_depth,
        **context,
    )


@_post_form("/posts/<int:post_id>/reply")
def reply(post_id: int):
    parent = policy.get_post_or_404(post_id, current_user)
    policy.require(current_user, "post.reply", parent)
    form = _new_form(ReplyForm)
    too_deep = _("This branch is as deep as it can go. Reply to an earlier message instead.")
    # Where the reply is shown, read before its transaction commits: after, the post would be
    # loaded again, in a transaction of its own (three round trips more on PostgreSQL).
    shown_at = []
    post, status = _written(
        form,
        lambda held: actions.reply(
            parent, by=current_user, body=form.body.data, language=form.language.data,
            submission_id=form.submission_id.data, held=held,
            then=lambda new: shown_at.append(_place_of(new)),
        ),
        {actions.TooDeep: lambda _error: form.body.errors.append(too_deep)},
        scanned=("body",),
    )  # fmt: skip
    if post is not None:
        flash(_("Your reply is posted."))
        # A form sent again finds the post it made the first time, and no new one.
        return redirect(shown_at[0] if shown_at else _place_of(post))
    return render_template(
        "threads/reply.html",
        parent=reading.post_row(parent),
        thread=parent.thread,
        form=form,
        **post_context(current_user, parent.thread),
    ), status


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_own(post_id: int):
    """An author deletes their own message; staff use the moderation tools under /staff/."""
    post = policy.get_post_or_404(post_id, current_user)
    policy.require(current_user, "post.delete_own", post)
    try:
        actions.delete_own_post(post, by=current_user)
    except actions.NotAllowed:
        abort(403)
    flash(_("Your message is deleted."))
    return redirect(_place_of(post))


@_post_form("/posts/<int:post_id>/edit")
def edit(post_id: int):
    post = policy.get_post_or_404(post_id, current_user)
    policy.require(current_user, "post.edit", post)
    form_class = OpeningPostEditForm if post.depth == 0 else EditForm
    form = form_class(data={"version": str(post.version), "body": post.body_source,
                            "title": post.thread.title})  # fmt: skip
    conflicts = []

    def keep_to_merge(error: actions.EditConflict) -> None:
        # Someone saved first: keep this text, show what changed, and let the user merge.
        conflicts.append(error.current)
        form.version.data = str(error.current.version)
        form.body.errors.append(
            _("Someone else saved this message while you were editing it. Your text is "
              "kept below; compare it with the saved version and save again.")
        )  # fmt: skip

    saved, status = _written(
        form,
        lambda held: actions.edit_post(
            post, by=current_user, body=form.body.data,
            title=form.title.data if post.depth == 0 else None, reason=form.reason.data,
            expected_version=int(form.version.data), held=held,
        ),
        {actions.EditConflict: keep_to_merge},
        # The author's own edits; staff editing someone's message are the moderators.
        scanned=[name for name in ("title", "body") if name in form]
        if post.author_id == current_user.id else (),
    )  # fmt: skip
    if saved is not None:
        flash(_("Your changes are saved."))
        return redirect(url_for("threads.permalink", post_id=saved_id(post)))
    conflict = conflicts[0] if conflicts else None
    status = 409 if conflict else status
    difference = _difference(conflict.body_source, form.body.data) if conflict else None
    return render_template(
        "threads/edit.html", form=form, post=post, conflict=conflict, difference=difference
    ), status


def _difference(saved: str, mine: str) -> list[tuple[str, str]]:
    """Line by line: ("same"|"saved"|"mine", text), for the edit-conflict page."""
    kinds = {" ": "same", "-": "saved", "+": "mine"}
    return [
        (kinds[line[0]], line[2:])
        for line in difflib.ndiff(saved.splitlines(), (mine or "").splitlines())
        if line[0] in kinds
    ]


@bp.post("/preview")
@login_required
@limiter.limit("60 per minute", key_func=_writer)
def preview():
    """The sanitised HTML a message would have: the Markdown preview of the post forms."""
    body = request.form.get("body", "")[: actions.BODY_MAX_LENGTH]
    headers = {"Content-Type": "text/html; charset=utf-8"}
    try:
        return markup.render(body).html, 200, headers
    except markup.Unrenderable:
        return render_template("threads/_unrenderable.html"), 422, headers


@bp.post("/personal-data/check")
@login_required
@limiter.limit("60 per minute", key_func=_writer)
def check_personal_data():
    """The early warning of the post forms, while the member types: the same check the form
    runs when sent (personal_data.scan), so the browser holds no rules of its own."""
    text = request.form.get("text", "")[: actions.BODY_MAX_LENGTH]
    findings = personal_data.scan(text)
    return jsonify(warning=personal_data_message(findings) if findings else "")
