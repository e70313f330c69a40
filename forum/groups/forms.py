from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import Email

from forum.forms import ForumForm, text_field


class InviteToGroupForm(ForumForm):
    email = text_field(
        EmailField, _l("The member's e-mail address"),
        required=_l("Enter the e-mail address the member signs in with."), max_length=254,
        too_long=_l("An e-mail address can be at most %(max)d characters long."),
        extra=[Email(message=_l("Enter an e-mail address such as name@example.fi."))],
    )  # fmt: skip
