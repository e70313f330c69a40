from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import ForumForm, text_field
from forum.i18n import PerLanguage, current_locale, language_choices
from forum.security import database_int

STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "achieved": _l("Achieved"),
    "dropped": _l("Dropped"),
}
# For pages: the programme's chart shows a label about seventy times.
status_labels = PerLanguage(STATUS_LABELS)


class GoalForm(ForumForm):
    title = text_field(
        StringField, _l("Goal"), required=_l("Name the goal."), max_length=200,
        too_long=_l("The goal can be at most %(max)d characters long."),
    )  # fmt: skip
    description = text_field(
        TextAreaField, _l("What it means in practice"), max_length=4000,
        too_long=_l("The description can be at most %(max)d characters long."),
    )  # fmt: skip
    language = SelectField(_l("Language"), choices=language_choices, default=current_locale)
    target_date = DateField(
        _l("Target date"), validators=[Optional()], format="%Y-%m-%d",
        description=_l("Optional."),
    )  # fmt: skip
    cited = SelectField(
        _l("From the initial assessment"),
        description=_l("The answer of your assessment that the goal comes from, if any."),
    )  # fmt: skip
    tags = SelectMultipleField(
        _l("Tags"), coerce=database_int, widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )  # fmt: skip
    # Shown once the text was found to hold personal data (forum.personal_data).
    personal_data_found = False
    personal_data_checked = BooleanField(_l("I have checked it: it may be shown here."))


class ProgressForm(ForumForm):
    body = text_field(
        TextAreaField, _l("What has happened"), max_length=4000,
        too_long=_l("An update can be at most %(max)d characters long."),
    )  # fmt: skip
    language = SelectField(_l("Language"), choices=language_choices, default=current_locale)
    status = SelectField(
        _l("Status now"), choices=lambda: [(k, str(v)) for k, v in STATUS_LABELS.items()]
    )
    # Shown once the text was found to hold personal data (forum.personal_data).
    personal_data_found = False
    personal_data_checked = BooleanField(_l("I have checked it: it may be shown here."))


class EvidenceForm(ForumForm):
    link = text_field(
        StringField, _l("Link to a thread, good practice or event of this forum"),
        required=_l("Paste the link of a thread, good practice or event."), max_length=500,
        too_long=_l("The link can be at most %(max)d characters long."),
    )  # fmt: skip
