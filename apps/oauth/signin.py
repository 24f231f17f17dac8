"""Limits for the branded sign-in page: password failures per identifier, code requests per client
address; the counters are apps.core.signin_limits'."""

from django.conf import settings

from apps.core.signin_limits import SignInLimits, signin_failure_record, signin_failures_clear, signin_locked

WEB_OTP_PER_IP = 20
WEB_OTP_WINDOW_SECONDS = 3600
PASSWORD_SCOPE = "oauth-password"
CODE_REQUEST_SCOPE = "oauth-code-request"
CODE_REQUESTS = SignInLimits(max_per_identifier=None, max_per_ip=WEB_OTP_PER_IP, window=WEB_OTP_WINDOW_SECONDS)


def _password_limits() -> SignInLimits:
    return SignInLimits(
        max_per_identifier=settings.LOGIN_MAX_FAILURES, max_per_ip=None, window=settings.LOGIN_FAILURE_WINDOW_SECONDS
    )


def password_signin_blocked(identifier: str) -> bool:
    return signin_locked(scope=PASSWORD_SCOPE, limits=_password_limits(), identifier=identifier)


def password_signin_failed(identifier: str) -> None:
    signin_failure_record(scope=PASSWORD_SCOPE, limits=_password_limits(), identifier=identifier)


def password_signin_succeeded(identifier: str) -> None:
    signin_failures_clear(scope=PASSWORD_SCOPE, identifier=identifier)


def code_request_allowed(ip_address: str) -> bool:
    """Counts a code request from this address; False past the hourly limit."""
    if signin_locked(scope=CODE_REQUEST_SCOPE, limits=CODE_REQUESTS, ip=ip_address):
        return False
    signin_failure_record(scope=CODE_REQUEST_SCOPE, limits=CODE_REQUESTS, ip=ip_address)
    return True
