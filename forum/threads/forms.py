import re
import uuid
from dataclasses import dataclass

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Regexp

from forum import personal_data
from forum.forms import ForumForm, text_field
from forum.i18n import PerLanguage, language_choices
from forum.security import database_int
from forum.threads.actions import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

BODY_LABEL = _l("Message")
BODY_HINT = _l(
    "You can use Markdown: **bold**, *italics*, lists and links. Do not write "
    "anything that identifies an employee's health or work capacity."
)
LANGUAGE_LABEL = _l("Language of the message")


def new_member_message(error) -> str:
    """What a member in their first day is told when a cap stops their message."""
    if error.kind == "posts":
        return ngettext(
            "In their first day, a new member can post %(num)d message an hour. Your text is "
            "kept: send it again a little later.",
            "In their first day, a new member can post %(num)d messages an hour. Your text is "
            "kept: send it again a little later.",
            error.limit,
        )
    return ngettext(
        "In their first day, a new member can put %(num)d link in a message. Remove some links "
        "and send the message again.",
        "In their first day, a new member can put %(num)d links in a message. Remove some "
        "links and send the message again.",
        error.limit,
    )


PERSONAL_DATA_LABELS = {
    personal_data.IDENTITY_CODE: _l("a personal identity code"),
    personal_data.PHONE: _l("a phone number"),
    personal_data.EMAIL: _l("an e-mail address"),
}


def personal_data_message(findings) -> str:
    """What the member is told when their text seems to hold personal data: what and where."""
    found = "; ".join(
        gettext("%(what)s “%(text)s” on line %(line)d", what=PERSONAL_DATA_LABELS[item.kind],
                text=item.text, line=item.line)
        for item in findings
    )  # fmt: skip
    return gettext(
        "This seems to hold personal data: %(found)s. Remove it, or tick the box below if it may "
        "be shown here.", found=found,
    )  # fmt: skip


def personal_data_in(form, names) -> dict:
    """What looks like personal data in the form's fields `names`: {name: findings}, only the
    fields where something was found."""
    scanned = {name: personal_data.scan(form[name].data) for name in names}
    return {name: found for name, found in scanned.items() if found}


def warn_of_personal_data(form, findings: dict) -> None:
    """Each field with findings is told, as its error, what was found and where."""
    for name, found in findings.items():
        form[name].errors.append(personal_data_message(found))


def clear_of_personal_data(form, names) -> bool:
    """Do the form's fields `names` hold nothing that looks like personal data, or did the
    writer check and confirm them? If not, each field with findings is told what was found and
    the form shows its confirmation box (`personal_data_checked`)."""
    findings = personal_data_in(form, names)
    form.personal_data_found = bool(findings)
    if findings and not form.personal_data_checked.data:
        warn_of_personal_data(form, findings)
        return False
    return True


def held_note(findings: dict) -> str:
    """The note of the flag a message sent past the check waits under: what kinds were found,
    not the text (the moderators read the message itself)."""
    kinds = sorted({item.kind for found in findings.values() for item in found})
    return gettext(
        "Its author sent it past the personal-data check, which found %(found)s.",
        found=", ".join(str(PERSONAL_DATA_LABELS[kind]) for kind in kinds),
    )


UNRENDERABLE = _l(
    "This text is formatted in too complex a way to be shown. Simplify its formatting (fewer "
    "nested lists, brackets or emphasis marks) or split it into several messages."
)
_QUICK_REPLY_LABELS = PerLanguage(
    {"body": BODY_LABEL, "hint": BODY_HINT, "language": LANGUAGE_LABEL}
)


def _body_field():
    return text_field(
        TextAreaField, BODY_LABEL, required=_l("Write a message."), max_length=BODY_MAX_LENGTH,
        too_long=_l("The message can be at most %(max)d characters long."), description=BODY_HINT,
    )  # fmt: skip


def _title_field():
    return text_field(
        StringField, _l("Title"), required=_l("Give the thread a title."),
        max_length=TITLE_MAX_LENGTH,
        too_long=_l("The title can be at most %(max)d characters long."),
    )  # fmt: skip


def _language_field():
    return SelectField(LANGUAGE_LABEL, choices=language_choices)


class _PersonalDataChecked(ForumForm):
    # Shown once the text was found to hold personal data (forum.personal_data).
    personal_data_found = False  # set by the view that found some
    personal_data_checked = BooleanField(
        _l("I have checked it: it may be shown here. A moderator looks at the message first.")
    )


class _SubmittedOnce(_PersonalDataChecked):
    # A one-time id for this form: sent twice (double click, resend), it stores one post.
    submission_id = HiddenField(
        validators=[Regexp(re.compile(r"^[0-9a-f]{32}$"), message=_l("Not a valid form."))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_id.data:
            self.submission_id.data = uuid.uuid4().hex


class TagChoiceField(SelectMultipleField):
    """Tag ids as checkboxes; templates group them (macros/tags.html)."""


class ThreadForm(_SubmittedOnce):
    title = _title_field()
    body = _body_field()
    language = _language_field()
    tags = TagChoiceField(_l("Tags"), coerce=database_int, validate_choice=False)


class ReplyForm(_SubmittedOnce):
    body = _body_field()
    language = _language_field()


@dataclass(frozen=True)
class QuickReply:
    """The empty reply form under a thread's or a branch's posts, written out by
    threads/_reply_form.html with ReplyForm's labels and limits. Rendering WTForms' fields was
    two thirds of what a signed-in reader's thread page cost more than a signed-out one's; the
    reply view's ReplyForm checks what it sends, and shows any errors with the text kept."""

    submission_id: str
    language: str
    body_label: str
    body_hint: str
    language_label: str
    body_max_length = BODY_MAX_LENGTH
    languages = staticmethod(language_choices)

    @classmethod
    def new(cls, language: str) -> "QuickReply":
        """An empty form, its labels in the reader's language (not `language`, the one the
        reply is preselected to be written in)."""
        labels = _QUICK_REPLY_LABELS()
        return cls(
            submission_id=uuid.uuid4().hex,
            language=language,
            body_label=labels["body"],
            body_hint=labels["hint"],
            language_label=labels["language"],
        )


class EditForm(_PersonalDataChecked):
    # The version the edit began from: a save over a newer version is refused.
    version = HiddenField(
        validators=[
            # Required as sent: without it the form would fall back on the current version
            # and overwrite whatever was saved meanwhile.
            InputRequired(message=_l("Not a valid form.")),
            Regexp(re.compile(r"^\d+$"), message=_l("Not a valid form.")),
        ]
    )
    body = _body_field()
    reason = text_field(
        TextAreaField, _l("Reason for the edit"), max_length=1000,
        too_long=_l("The reason can be at most %(max)d characters long."),
        description=_l("Optional. Shown to moderators with the earlier version."),
    )  # fmt: skip


class OpeningPostEditForm(EditForm):
    title = _title_field()
