"""Forgotten passwords: a one-time code to the account's registered e-mail or mobile (purpose
"password_reset", with a send budget of its own), then a new password under the password validators.

The answer never says whether an account exists: an unknown identifier, an inactive account and a staff
account (staff reset at the portal's administrator, behind its second factor) get the same reply as a
real one, and no code. Signing the person's devices out is the caller's (apps.oauth owns the tokens)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import OtpChallenge, StaffMember
from apps.accounts.otp import otp_issue, otp_verify
from apps.accounts.services.common import (
    OTP_PURPOSE_PASSWORD_RESET,
    ProfileError,
    identifier_or_error,
    user_with_identifier,
)
from apps.accounts.validators import Identifier
from apps.core.audit import audit_record
from apps.users.models import User


def _resettable(user: User | None) -> bool:
    return bool(user and user.is_active and not StaffMember.objects.filter(user=user).exists())


def _password_errors(password: str, user: User | None) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ProfileError("Choose a stronger password.", extra={"fields": {"password": list(exc.messages)}}) from None


def password_reset_otp_send(*, identifier: str) -> OtpChallenge | None:
    """Sends a reset code when an investor account has this identifier; None otherwise."""
    parsed = identifier_or_error(identifier)
    user = user_with_identifier(parsed)
    if not _resettable(user):
        return None
    return otp_issue(purpose=OTP_PURPOSE_PASSWORD_RESET, channel=parsed.channel, target=parsed.value)


def password_reset_complete(*, challenge_id, code: str, password: str) -> User:
    """Checks the code and sets the new password. The password's own rules are checked before the code is
    spent, so a weak password does not cost a code; the rules that compare it with the account (similar to
    the e-mail or name) after. Raises OtpError or ProfileError; on either nothing is changed."""
    _password_errors(password, None)
    challenge = otp_verify(challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_PASSWORD_RESET)
    user = user_with_identifier(Identifier(channel=challenge.channel, value=challenge.target))
    if not _resettable(user):
        raise ProfileError("This account cannot reset its password here.", code="account_inactive")
    _password_errors(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="accounts.password_reset", actor=user, target=user, extra={"channel": challenge.channel})
    return user
