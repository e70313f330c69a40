from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField

from forum.forms import ForumForm, text_field
from forum.i18n import current_locale, language_choices


class DescribeForm(ForumForm):
    description = text_field(
        TextAreaField, _l("About your organisation"), max_length=2000,
        too_long=_l("The description can be at most %(max)d characters long."),
        description=_l("What you do, how many people work with you, and what you are "
                       "developing in the programme. Shown to the forum's members."),
    )  # fmt: skip
    language = SelectField(
        _l("Language of the description"), choices=language_choices, default=current_locale
    )
    # Shown once the text was found to hold personal data (forum.personal_data).
    personal_data_found = False
    personal_data_checked = BooleanField(_l("I have checked it: it may be shown here."))
