"""The base form every form of the forum derives from, and what every form page shares."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

# Messages WTForms raises by itself (our own validators all pass translated messages).
_BUILTIN_MESSAGES = {
    "This field is required.": _l("This field is required."),
    "Not a valid choice.": _l("Not a valid choice."),
    "Invalid Choice: could not coerce.": _l("Not a valid choice."),
    "Not a valid integer value.": _l("Not a valid whole number."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Not a valid choice."),
    "Not a valid date value.": _l("Enter a date as year-month-day, for example 2026-12-31."),
}


class _BuiltinTranslations:
    def gettext(self, string):
        return str(_BUILTIN_MESSAGES.get(string, string))

    def ngettext(self, singular, plural, n):
        # WTForms fills its plural messages' %(value)s itself, after translating them; the
        # only one it has (a multiple select's values not on offer) reads well without them.
        if singular == "'%(value)s' is not a valid choice for this field.":
            return str(
                ngettext("This choice is not available.", "These choices are not available.", n)
            )
        return ngettext(singular, plural, n)


class ForumForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _BuiltinTranslations()


def text_field(
    field_class, label, *, max_length, too_long, required=None, min_length=-1, extra=(), **kw
):
    """A text field of at most `max_length` characters (at least `min_length`); it must be
    filled in when `required` (the message a person reads if it is not) is given. `extra`
    validators run after these."""
    validators = [Length(min=min_length, max=max_length, message=too_long), *extra]
    if required is not None:
        validators.insert(0, DataRequired(message=required))
    return field_class(label, validators=validators, **kw)


def form_page(template: str, form, **context):
    """A form's page: 422 when a submission was refused (the reasons are in the form's errors,
    the text is kept in its fields), 200 otherwise."""
    return render_template(template, form=form, **context), 422 if form.errors else 200
