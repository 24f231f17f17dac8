"""What the account services share: OTP purposes, limits, the field error and identifier helpers."""

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from apps.accounts.validators import (
    Identifier,
    InvalidInput,
    identifier_parse,
)
from apps.core.exceptions import ApplicationError
from apps.users.models import User

OTP_PURPOSE_REGISTER = "register"
OTP_PURPOSE_LOGIN = "login"
OTP_PURPOSE_CONTACT = "contact"
OTP_PURPOSE_INVITATION = "invitation"
OTP_PURPOSE_PASSWORD_RESET = "password_reset"
OTP_PURPOSE_BANK = "bank"
MAX_BANK_ACCOUNTS = 5
EUIN_PREFIX = "E"


class ProfileError(ApplicationError):
    code = "validation_error"


def field_error(field: str, message: str) -> ProfileError:
    return ProfileError(message, extra={"fields": {field: [message]}})


def identifier_or_error(value: str, *, field: str = "identifier") -> Identifier:
    try:
        return identifier_parse(value)
    except InvalidInput as exc:
        raise field_error(field, str(exc)) from None


def user_with_identifier(identifier: Identifier) -> User | None:
    if identifier.is_email:
        return User.objects.filter(email__iexact=identifier.value).first()
    return User.objects.filter(mobile=identifier.value).first()


def password_check(password: str | None, *, user: User | None = None) -> None:
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise ProfileError(
                "Choose a stronger password.", extra={"fields": {"password": list(exc.messages)}}
            ) from None


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
