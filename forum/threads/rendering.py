"""What the post macros need, prepared once per page rather than once per post.

A thread page shows up to hundreds of posts; translating the same labels and building the same
URLs for each of them was most of its time. Labels here are translated once per request, and
post URLs are built from prefixes that url_for makes once.
"""

from types import SimpleNamespace

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from forum import policy
from forum.i18n import current_locale


def post_ui() -> SimpleNamespace:
    posts = url_for("threads.permalink", post_id=0).removesuffix("0")
    return SimpleNamespace(
        locale=current_locale(),
        posts_prefix=posts,
        users_prefix=url_for("auth.profile", user_id=0).removesuffix("0"),
        reply=_("Reply"),
        edit=_("Edit"),
        flag=_("Flag"),
        earlier_versions=_("Earlier versions"),
        permalink=_("Permanent link to this message"),
        removed_message=_("A removed message"),
        # Sentences with names in them: translated once here, filled in per post with
        # Markup's %, which escapes each name.
        wrote=_template(_("%(author)s wrote")),
        replied_to=_template(_("%(author)s replied to %(parent)s")),
        replied_to_removed=_template(_("%(author)s replied to a removed message")),
        edited=_template(_("edited %(when)s")),
        in_reply_to=_template(_("In reply to %(name)s")),
        to_name=_template(_("to %(name)s")),
        message_by=_template(_("the message by %(name)s")),
    )


def _template(translated: str) -> Markup:
    return escape(translated)  # Markup: its % escapes what is filled in


def post_context(user, thread) -> dict:
    """The template arguments every page that shows posts of `thread` passes to the macros."""
    return {"perms": policy.ThreadPermissions(user, thread), "ui": post_ui()}
