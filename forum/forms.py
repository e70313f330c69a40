"""The base form every form of the forum derives from."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm

# Messages WTForms raises by itself (our own validators all pass translated messages).
_BUILTIN_MESSAGES = {
    "This field is required.": _l("This field is required."),
    "Not a valid choice.": _l("Not a valid choice."),
    "Invalid Choice: could not coerce.": _l("Not a valid choice."),
    "Not a valid integer value.": _l("Not a valid whole number."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Not a valid choice."),
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
