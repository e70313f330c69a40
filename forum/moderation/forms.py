from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from forum.forms import ForumForm
from forum.security import database_int

FLAG_REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "inappropriate": _l("Inappropriate or offensive"),
    "personal_data": _l("Personal or health data about an identifiable person"),
    "other": _l("Something else (tell us below)"),
}
DECISION_LABELS = {
    "dismiss": _l("Dismiss: the post is fine"),
    "hide": _l("Hide the post"),
    "delete": _l("Delete the post"),
}
REASON_MAX_LENGTH = 1000


def _reason_field(label=None, *, required=True):
    too_long = _l("The reason can be at most %(max)d characters long.")
    validators = [Length(max=REASON_MAX_LENGTH, message=too_long)]
    if required:
        validators.insert(0, DataRequired(message=_l("Give a reason.")))
    return TextAreaField(label or _l("Reason"), validators=validators)


class FlagForm(ForumForm):
    reason = RadioField(
        _l("Why should a moderator look at this message?"),
        choices=lambda: [(k, str(v)) for k, v in FLAG_REASON_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Note for the moderators"),
        validators=[
            Length(
                max=REASON_MAX_LENGTH,
                message=_l("The note can be at most %(max)d characters long."),
            )
        ],
        description=_l("Needed when you choose “Something else”."),
    )

    def validate_note(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Tell the moderators what is wrong."))


class ResolveForm(ForumForm):
    decision = RadioField(
        _l("Decision"),
        choices=lambda: [(k, str(v)) for k, v in DECISION_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = _reason_field()


class ReasonForm(ForumForm):
    """The reason for a staff action; the action itself is the button pressed."""

    reason = _reason_field(required=False)


class MoveForm(ForumForm):
    board = SelectField(_l("Move to board"), coerce=database_int)
    reason = _reason_field(required=False)


class SuspendForm(ForumForm):
    until = DateField(
        _l("Suspended until"),
        validators=[InputRequired(message=_l("Enter the last day of the suspension."))],
        description=_l("The member can post again on the following day."),
    )
    reason = _reason_field()


class PurgeForm(ForumForm):
    reason = _reason_field()
