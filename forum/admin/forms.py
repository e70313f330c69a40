from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Regexp, ValidationError

from forum.forms import ForumForm, text_field
from forum.regions.labels import ORGANISATION_KIND_LABELS
from forum.security import database_int

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters a–z, digits and single hyphens, e.g. uusimaa-verkosto."),
)


def _name(label):
    return text_field(
        StringField, label, required=_l("Enter the name in every language."), max_length=120,
        too_long=_l("The name can be at most %(max)d characters long."),
    )  # fmt: skip


def _description(label):
    return text_field(
        TextAreaField, label, max_length=1000,
        too_long=_l("The description can be at most %(max)d characters long."),
    )  # fmt: skip


def _slug_field():
    return text_field(
        StringField, _l("Address name"), required=_l("Enter an address name."), max_length=64,
        too_long=_l("The address name can be at most %(max)d characters long."), extra=[SLUG],
        description=_l("Used in the page address; the same in every language."),
    )  # fmt: skip


def _position_field():
    return IntegerField(
        _l("Order"),
        default=0,
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(min=0, max=10_000, message=_l("Enter a number from 0 to 10000.")),
        ],
        description=_l("Smaller numbers come first."),
    )


class _NamedForm(ForumForm):
    """An address name and a name in each of the three languages."""

    slug = _slug_field()
    name_fi = _name(_l("Name in Finnish"))
    name_sv = _name(_l("Name in Swedish"))
    name_en = _name(_l("Name in English"))


class _DescribedForm(_NamedForm):
    description_fi = _description(_l("Description in Finnish"))
    description_sv = _description(_l("Description in Swedish"))
    description_en = _description(_l("Description in English"))


class RegionForm(_NamedForm):
    position = _position_field()


class OrganisationForm(ForumForm):
    name = text_field(
        StringField, _l("Name"), required=_l("Enter the organisation's name."), max_length=200,
        too_long=_l("The name can be at most %(max)d characters long."),
    )  # fmt: skip
    kind = SelectField(
        _l("Kind"), choices=lambda: [(k, str(v)) for k, v in ORGANISATION_KIND_LABELS.items()]
    )
    region = SelectField(_l("Region"), coerce=database_int)
    email_domains = StringField(
        _l("Email domains the organisation vouches for"),
        description=_l(
            "Separated by spaces, such as kuusikyla.fi. A person who confirms an address on one "
            "of them joins the organisation without a request."
        ),
        filters=[lambda value: " ".join((value or "").lower().replace(",", " ").split())],
        validators=[
            Length(max=1000, message=_l("The list can be at most %(max)d characters long.")),
            Regexp(
                r"^([a-z0-9-]+(\.[a-z0-9-]+)+( |$))*$",
                message=_l("Give domains such as kuusikyla.fi, separated by spaces."),
            ),
        ],
    )


VISIBILITY_LABELS = {
    "public": _l("Public: anyone, also signed-out readers"),
    "members": _l("Members: any signed-in member"),
    "region": _l("Region: members of the board's region, and its moderators"),
    "group": _l("Training group: the group's members only"),
}


class BoardForm(_DescribedForm):
    region = SelectField(
        _l("Scope"), coerce=database_int, description=_l("A national board, or one region's board.")
    )
    visibility = SelectField(
        _l("Who may read it"),
        choices=lambda: [(k, str(v)) for k, v in VISIBILITY_LABELS.items()],
    )
    training_group = SelectField(
        _l("Training group"), coerce=database_int, default=0,
        description=_l("Only for a training group's board, which is national."),
    )  # fmt: skip
    position = _position_field()
    archived = BooleanField(_l("Archived: can be read but not written to"))

    def validate_training_group(self, field):
        if self.visibility.data == "group":
            if not field.data:
                raise ValidationError(_l("Choose the training group whose board this is."))
            if self.region.data:
                raise ValidationError(_l("A training group's board is national: choose "
                                         "National as its scope."))  # fmt: skip
        elif field.data:
            raise ValidationError(_l("Choose a training group only for a board that the "
                                     "group alone reads."))  # fmt: skip


class TrainingGroupForm(_DescribedForm):
    position = _position_field()


ROLE_LABELS = {
    "member": _l("Member (coordinator)"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator (programme staff)"),
}


class MemberForm(ForumForm):
    role = SelectField(_l("Role"), choices=lambda: [(k, str(v)) for k, v in ROLE_LABELS.items()])
    organisation = SelectField(_l("Organisation"), coerce=database_int)
    moderated_boards = SelectMultipleField(
        _l("Moderates these boards"), coerce=database_int, description=_l("Only for moderators.")
    )
    moderated_regions = SelectMultipleField(
        _l("Moderates every board of these regions"),
        coerce=database_int,
        description=_l("Only for moderators."),
    )
    active = BooleanField(
        _l("Active: can sign in"),
        description=_l("Clearing this deactivates the account and signs it out everywhere."),
    )


class TagGroupForm(_NamedForm):
    required = BooleanField(_l("Required: every new thread needs a tag of this group"))
    position = _position_field()


TAG_STATUS_LABELS = {
    "approved": _l("Approved: shown to everyone"),
    "proposed": _l("Proposed: waiting for staff"),
}


class TagForm(_DescribedForm):
    group = SelectField(_l("Group"), coerce=database_int)
    status = SelectField(
        _l("Status"), choices=lambda: [(k, str(v)) for k, v in TAG_STATUS_LABELS.items()]
    )
    position = _position_field()
