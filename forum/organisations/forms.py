from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import ForumForm, text_field
from forum.i18n import current_locale, language_choices
from forum.security import database_int


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


# The programme's own words for its four questions (the programme page, in Finnish and English).
QUESTIONS = {
    "approaches": _l("Which approaches and tools for supporting people with partial work "
                     "capacity does your organisation use now?"),
    "works_well": _l("What works well?"),
    "challenges": _l("What are your development challenges and problem areas?"),
    "information_needs": _l("Which services, benefits or other tools do your organisation or "
                            "its work ability coordinator need more information on?"),
}  # fmt: skip


def _answer(name: str):
    return text_field(
        TextAreaField, QUESTIONS[name], max_length=4000,
        too_long=_l("An answer can be at most %(max)d characters long."),
    )  # fmt: skip


class AssessmentForm(ForumForm):
    approaches = _answer("approaches")
    works_well = _answer("works_well")
    challenges = _answer("challenges")
    information_needs = _answer("information_needs")
    needs = SelectMultipleField(
        _l("The services, benefits and tools you need more information on"),
        coerce=database_int, widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Programme staff see which ones organisations ask about most, and plan "
                       "training and workshops from them."),
    )  # fmt: skip
    language = SelectField(
        _l("Language of the answers"), choices=language_choices, default=current_locale
    )
    shared_with_members = BooleanField(
        _l("Share with every member of the forum"),
        description=_l("Otherwise only your organisation's members and programme staff read "
                       "it."),
    )  # fmt: skip
    personal_data_found = False
    personal_data_checked = BooleanField(_l("I have checked it: it may be shown here."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not any((getattr(self, name).data or "").strip() for name in QUESTIONS):
            self.approaches.errors.append(_l("Answer at least one of the questions."))
            return False
        return valid
