from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.forms import ForumForm
from forum.security import database_int
from forum.threads.forms import TagChoiceField


class ThreadTagsForm(ForumForm):
    tags = TagChoiceField(_l("Tags"), coerce=database_int, validate_choice=False)


class TagProposalForm(ForumForm):
    group = SelectField(_l("Group"), coerce=database_int)
    name = StringField(
        _l("Tag"),
        validators=[
            DataRequired(message=_l("Name the tag.")),
            Length(max=120, message=_l("The name can be at most %(max)d characters long.")),
        ],
        description=_l("Staff translate it and decide whether it joins the list."),
    )
    description = TextAreaField(
        _l("What it covers"),
        validators=[
            Length(max=1000, message=_l("The description can be at most %(max)d characters long."))
        ],
    )


class TagMergeForm(ForumForm):
    target = SelectField(_l("Merge into"), coerce=database_int)
    reason = TextAreaField(_l("Reason (optional)"))
