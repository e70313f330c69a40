from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from forum.forms import ForumForm, text_field
from forum.i18n import language_choices
from forum.security import database_int

PASSWORD_MIN_LENGTH = 10
# The most common passwords that still pass the length rule; a full breach list would need a
# download at run time, which this service does not make.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890", "12345678910", "0123456789", "qwertyuiop", "salasana123", "salasana1234",
        "password123", "password1234", "lösenord123", "qwerty12345", "iloveyou123",
        "abcdefghij", "kesä2025kesä", "1q2w3e4r5t", "aaaaaaaaaa", "passw0rd123",
    }
)  # fmt: skip


def _password_strength(form, field):
    password = field.data or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        return  # Length reports its own error.
    lowered = password.lower()
    email = (form.email.data or "").lower() if hasattr(form, "email") else ""
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise ValidationError(_l("This password is too easy to guess. Choose another one."))
    if email and (lowered == email or lowered == email.split("@")[0]):
        raise ValidationError(_l("The password must not be your email address."))


def _password_again(label):
    return PasswordField(
        label, validators=[EqualTo("password", message=_l("The passwords do not match."))]
    )


def _new_password_field(label):
    return PasswordField(
        label,
        validators=[
            InputRequired(message=_l("Enter a password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=200,
                message=_l("The password must be at least %(min)d characters long."),
            ),
            _password_strength,
        ],
    )


def _address_field(label, *, required, description="", well_formed=True):
    well_formed_address = Email(
        message=_l("Enter an email address like name@example.fi."), check_deliverability=False
    )
    return text_field(
        EmailField, label, required=required, max_length=254,
        too_long=_l("The email address is too long."),
        extra=[well_formed_address] if well_formed else [], description=description,
    )  # fmt: skip


def _display_name_field():
    return text_field(
        StringField, _l("Display name"), required=_l("Enter your name as others will see it."),
        min_length=2, max_length=60, too_long=_l("The name must be 2 to 60 characters long."),
        description=_l("Shown with your posts, for example your first name and surname."),
    )  # fmt: skip


def _current_password_field():
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
    )


class RegistrationForm(ForumForm):
    display_name = _display_name_field()
    email = _address_field(
        _l("Email address"),
        required=_l("Enter your email address."),
        description=_l("Used for signing in. Never shown to other members."),
    )
    password = _new_password_field(_l("Password"))
    password_confirm = _password_again(_l("Password again"))
    organisation = SelectField(
        _l("Organisation"),
        coerce=database_int,
        validators=[InputRequired(message=_l("Choose your organisation."))],
    )
    locale = SelectField(_l("Preferred language"), choices=language_choices)


class InvitationForm(ForumForm):
    email = _address_field(
        _l("Email address"),
        required=_l("Enter the email address of the person you invite."),
        description=_l("The invitation is sent here; the account opened from it has this address."),
    )
    organisation = SelectField(
        _l("Organisation"),
        coerce=database_int,
        validators=[InputRequired(message=_l("Choose the organisation."))],
        # The view asks the policy (member.invite), which audits a forged choice.
        validate_choice=False,
    )
    locale = SelectField(_l("Language of the invitation"), choices=language_choices)


class AcceptInvitationForm(ForumForm):
    display_name = _display_name_field()
    password = _new_password_field(_l("Password"))
    password_confirm = _password_again(_l("Password again"))
    locale = SelectField(_l("Preferred language"), choices=language_choices)


class LoginForm(ForumForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(message=_l("Enter your email address."))]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password."))]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class DecisionForm(ForumForm):
    reason = TextAreaField(
        _l("Reason (told to the person; required when refusing)"),
        validators=[
            Length(max=1000, message=_l("The reason can be at most %(max)d characters long."))
        ],
    )


class ForgotPasswordForm(ForumForm):
    # Not checked for its form: any address gets the same answer, and a mistyped one no mail.
    email = _address_field(
        _l("Email address"), required=_l("Enter your email address."), well_formed=False
    )


class ResetPasswordForm(ForumForm):
    password = _new_password_field(_l("New password"))
    password_confirm = _password_again(_l("New password again"))


class PasswordChangeForm(ForumForm):
    # Declared first: the error summary lists errors in the order the page shows the fields.
    current_password = _current_password_field()
    password = _new_password_field(_l("New password"))
    password_confirm = _password_again(_l("New password again"))


class AddressChangeForm(ForumForm):
    email = _address_field(
        _l("New email address"),
        required=_l("Enter your new email address."),
        description=_l("A link is sent there; your address changes when you follow it."),
    )
    current_password = _current_password_field()


class PreferencesForm(ForumForm):
    locale = SelectField(_l("Preferred language"), choices=language_choices)
