from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from forum.events.models import EVENT_ZONE
from forum.forms import ForumForm, text_field
from forum.i18n import current_locale, language_choices
from forum.security import database_int
from forum.threads.actions import BODY_MAX_LENGTH

AUDIENCE_LABELS = {
    "public": _l("Everyone, also signed-out visitors"),
    "members": _l("Every member of the forum"),
    "region": _l("The members of the event's region"),
    "group": _l("One training group"),
}
_NOT_A_LINK = _l("Give a link such as https://meet.example.fi/workshop.")
_WHEN = {"format": "%Y-%m-%dT%H:%M", "description": _l("In Finnish time (Europe/Helsinki).")}


class EventForm(ForumForm):
    title = text_field(
        StringField, _l("Title"), required=_l("Give the event a title."), max_length=200,
        too_long=_l("The title can be at most %(max)d characters long."),
    )  # fmt: skip
    description = text_field(
        TextAreaField, _l("Description"), required=_l("Describe the event."),
        max_length=BODY_MAX_LENGTH,
        too_long=_l("The description can be at most %(max)d characters long."),
        description=_l("What it is about, for whom, and what to prepare. Markdown works as in "
                       "messages. It opens the event's discussion thread too."),
    )  # fmt: skip
    language = SelectField(_l("Language"), choices=language_choices, default=current_locale)
    starts_at = DateTimeLocalField(
        _l("Starts"), validators=[InputRequired(_l("Give the start as a date and a time."))],
        **_WHEN,
    )  # fmt: skip
    ends_at = DateTimeLocalField(
        _l("Ends"), validators=[InputRequired(_l("Give the end as a date and a time."))],
        **_WHEN,
    )  # fmt: skip
    place = text_field(
        StringField, _l("Place"), max_length=300,
        too_long=_l("The place can be at most %(max)d characters long."),
        description=_l("An address, or leave empty for an online meeting."),
    )  # fmt: skip
    online_url = StringField(
        _l("Online meeting link"),
        validators=[Optional(), Length(max=500, message=_l("The link can be at most %(max)d "
                                                           "characters long.")),
                    URL(message=_NOT_A_LINK), Regexp(r"^https?://", message=_NOT_A_LINK)],
        description=_l("Shown to those who may see the event, and in their calendars."),
    )  # fmt: skip
    region = SelectField(_l("Region"), coerce=database_int, default=0)
    audience = SelectField(
        _l("Who may see it and sign up"),
        choices=lambda: [(key, str(label)) for key, label in AUDIENCE_LABELS.items()],
    )
    group = SelectField(_l("Training group"), coerce=database_int, default=0)
    capacity = IntegerField(
        _l("Places"), validators=[Optional(), NumberRange(min=1, max=10000,
                                  message=_l("Give a number from 1 to 10,000, or leave it "
                                             "empty for no limit."))],
        description=_l("Leave empty for no limit. When the places are taken, members can join "
                       "the waiting list."),
    )  # fmt: skip
    board = SelectField(
        _l("Board for the discussion"), coerce=database_int,
        description=_l("Questions before the event and what was learned after it. Its readers "
                       "must be among the event's audience."),
    )  # fmt: skip

    # Shown once the text was found to hold personal data (forum.personal_data).
    personal_data_found = False
    personal_data_checked = BooleanField(_l("I have checked it: it may be shown here."))

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))

    def validate_region(self, field):
        if self.audience.data == "region" and not field.data:
            raise ValidationError(_l("An event for a region's members needs its region."))

    def validate_group(self, field):
        if self.audience.data == "group" and not field.data:
            raise ValidationError(_l("Choose the training group the event is for."))
        if self.audience.data != "group" and field.data:
            raise ValidationError(_l("Choose a training group only for an event of that "
                                     "group."))  # fmt: skip

    def aware(self, name: str):
        """A time field's value in Finnish time, as an aware datetime."""
        return getattr(self, name).data.replace(tzinfo=ZoneInfo(EVENT_ZONE))


class CancelEventForm(ForumForm):
    reason = text_field(
        TextAreaField, _l("Why it is cancelled"), required=_l("Tell the people signed up why."),
        max_length=1000, too_long=_l("The reason can be at most %(max)d characters long."),
        description=_l("Sent to everyone signed up, with the cancellation."),
    )  # fmt: skip
