"""The platform admin (/admin/ on the platform's host): a password and a code from an authenticator app
(django-otp's OTPAdminSite and its TOTP devices), under the core sign-in limits.

Failed sign-ins count per normalised e-mail and per client IP (apps.core.signin_limits, ADMIN_LOCKOUT_*);
while either is locked every attempt is refused, the right password and code included; a success clears the
e-mail's count. A wrong code counts like a wrong password. Platform staff enrol their authenticator with
`manage.py admin_totp_enrol EMAIL` (README, "Platform admin")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from apps.core.audit import audit_record
from apps.core.client_ip import client_ip
from apps.core.signin_limits import SignInLimits, signin_failure_record, signin_failures_clear, signin_locked

ADMIN_SCOPE = "platform-admin"


def admin_signin_limits() -> SignInLimits:
    return SignInLimits(
        max_per_identifier=settings.ADMIN_LOCKOUT_MAX_PER_ACCOUNT,
        max_per_ip=settings.ADMIN_LOCKOUT_MAX_PER_IP,
        window=settings.ADMIN_LOCKOUT_WINDOW,
    )


class PlatformAdminAuthenticationForm(OTPAdminAuthenticationForm):
    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "locked": "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
    }

    def clean(self):
        identifier = self.data.get("username") or ""
        ip = client_ip(self.request)
        limits = admin_signin_limits()
        if signin_locked(scope=ADMIN_SCOPE, limits=limits, identifier=identifier, ip=ip):
            raise ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": max(1, limits.window // 60)}
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            # a wrong password, a missing or wrong code: all count (asking a device for a challenge does not)
            if getattr(exc, "code", None) != "challenge_message" and signin_failure_record(
                scope=ADMIN_SCOPE, limits=limits, identifier=identifier, ip=ip
            ):
                audit_record(action="admin.sign_in_locked", actor_label=identifier[:200], extra={"ip": ip})
            raise
        signin_failures_clear(scope=ADMIN_SCOPE, identifier=identifier)
        return cleaned


class PlatformAdminSite(OTPAdminSite):
    site_header = "Distributor platform administration"
    site_title = "Platform admin"
    login_form = PlatformAdminAuthenticationForm

    def __init__(self, name="admin"):
        super().__init__(name)
