from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from forum.forms import ForumForm, text_field

MESSAGE_CHOICES = {
    "keep": _l("Keep my messages, shown as written by “Former member”"),
    "remove": _l(
        "Remove my messages: threads I started go with them; elsewhere, replies to them stay"
    ),
}


class _Erasing(ForumForm):
    messages = RadioField(
        _l("What happens to the messages you wrote?"),
        choices=lambda: [(value, str(text)) for value, text in MESSAGE_CHOICES.items()],
        validators=[InputRequired(message=_l("Choose one."))],
    )
    confirm = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class EraseForm(_Erasing):
    """A member erasing their own account confirms it with their password."""

    current_password = PasswordField(
        _l("Your password"), validators=[DataRequired(message=_l("Enter your password."))]
    )


class EraseMemberForm(_Erasing):
    """An administrator erasing an account on its owner's request says whose request it was."""

    reason = text_field(
        TextAreaField,
        _l("Request (when and how the member asked)"),
        max_length=1000,
        too_long=_l("Keep the request under 1,000 characters."),
        required=_l("Say when and how the member asked for this."),
    )
