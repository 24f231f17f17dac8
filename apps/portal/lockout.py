"""The staff portal's sign-in lockout: its limits (PORTAL_LOCKOUT_*) over the shared counters in
apps.core.signin_limits. An account locks after PORTAL_LOCKOUT_MAX_PER_ACCOUNT failures and an IP after
PORTAL_LOCKOUT_MAX_PER_IP, each within PORTAL_LOCKOUT_WINDOW seconds; a lock lasts that long and a
successful sign-in clears the account's count."""

from django.conf import settings

from apps.core.exceptions import ApplicationError
from apps.core.signin_limits import SignInLimits, signin_failure_record, signin_failures_clear, signin_locked


class SignInLocked(ApplicationError):
    code = "sign_in_locked"
    status_code = 429


def _limits() -> SignInLimits:
    return SignInLimits(
        max_per_identifier=settings.PORTAL_LOCKOUT_MAX_PER_ACCOUNT,
        max_per_ip=settings.PORTAL_LOCKOUT_MAX_PER_IP,
        window=settings.PORTAL_LOCKOUT_WINDOW,
    )


def lockout_check(*, scope: str, account: str, ip: str) -> None:
    """Raises SignInLocked while the account or the IP is locked."""
    limits = _limits()
    if signin_locked(scope=scope, limits=limits, identifier=account, ip=ip):
        minutes = max(1, limits.window // 60)
        raise SignInLocked(
            f"Too many failed sign-in attempts. Try again in {minutes} minutes.",
            extra={"retry_after": limits.window},
        )


def lockout_record_failure(*, scope: str, account: str, ip: str) -> bool:
    """Counts a failed attempt; True if this failure locked the account or the IP."""
    return signin_failure_record(scope=scope, limits=_limits(), identifier=account, ip=ip)


def lockout_clear(*, scope: str, account: str) -> None:
    signin_failures_clear(scope=scope, identifier=account)
