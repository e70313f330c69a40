from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from forum.forms import ForumForm, text_field
from forum.security import database_int
from forum.threads.forms import TagChoiceField


class ThreadTagsForm(ForumForm):
    tags = TagChoiceField(_l("Tags"), coerce=database_int, validate_choice=False)


class TagProposalForm(ForumForm):
    group = SelectField(_l("Group"), coerce=database_int)
    name = text_field(
        StringField, _l("Tag"), required=_l("Name the tag."), max_length=120,
        too_long=_l("The name can be at most %(max)d characters long."),
        description=_l("Staff translate it and decide whether it joins the list."),
    )  # fmt: skip
    description = text_field(
        TextAreaField, _l("What it covers"), max_length=1000,
        too_long=_l("The description can be at most %(max)d characters long."),
    )  # fmt: skip


class TagMergeForm(ForumForm):
    target = SelectField(_l("Merge into"), coerce=database_int)
    reason = TextAreaField(_l("Reason (optional)"))
