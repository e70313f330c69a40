from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.forms import ForumForm
from forum.i18n import current_locale, language_choices

MATURITY_LABELS = {
    "idea": _l("Idea"),
    "piloted": _l("Piloted"),
    "established": _l("Established"),
}
LONG = Length(max=4000, message=_l("This can be at most %(max)d characters long."))


class CurateForm(ForumForm):
    maturity = SelectField(
        _l("Maturity"), choices=lambda: [(k, str(v)) for k, v in MATURITY_LABELS.items()]
    )
    language = SelectField(_l("Language of the summary"), choices=language_choices)
    core_idea = TextAreaField(
        _l("The core idea"),
        validators=[DataRequired(message=_l("Describe the core idea.")), LONG],
    )
    environment = TextAreaField(_l("Operating environment"), validators=[LONG])
    conditions = TextAreaField(_l("Conditions for it to work elsewhere"), validators=[LONG])
    results = TextAreaField(_l("Results or evidence"), validators=[LONG])
    # Shown once the summary was found to hold personal data (forum.personal_data).
    personal_data_found = False
    personal_data_checked = BooleanField(_l("I have checked it: it may be shown here."))


class AdoptForm(ForumForm):
    comment = TextAreaField(
        _l("How did it go in your organisation? (optional)"),
        validators=[Length(max=1000, message=_l("This can be at most %(max)d characters long."))],
    )
    language = SelectField(
        _l("Language of your comment"), choices=language_choices, default=current_locale
    )
