"""Sign-in lockout, counted in the cache (tenant-aware keys, so per distributor).

A failure counts against the account (the e-mail typed, whether or not it exists, so the lockout says
nothing about which accounts exist) and against the client IP. An account locks after
PORTAL_LOCKOUT_MAX_PER_ACCOUNT failures and an IP after PORTAL_LOCKOUT_MAX_PER_IP failures, each within
PORTAL_LOCKOUT_WINDOW seconds of the previous failure; a lock lasts PORTAL_LOCKOUT_WINDOW seconds and a
successful sign-in clears the account's count. The IP limit is higher than the account's: an office
behind one NAT address must not lock itself out because two people mistype."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from apps.core.exceptions import ApplicationError


class SignInLocked(ApplicationError):
    code = "sign_in_locked"
    status_code = 429


@dataclass(frozen=True)
class LockoutPolicy:
    max_per_account: int
    max_per_ip: int
    window: int

    @classmethod
    def current(cls) -> "LockoutPolicy":
        return cls(
            max_per_account=getattr(settings, "PORTAL_LOCKOUT_MAX_PER_ACCOUNT", 5),
            max_per_ip=getattr(settings, "PORTAL_LOCKOUT_MAX_PER_IP", 20),
            window=getattr(settings, "PORTAL_LOCKOUT_WINDOW", 15 * 60),
        )


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _keys(scope: str, account: str, ip: str) -> tuple[str, str]:
    return f"lockout:{scope}:acct:{_digest(account)}", f"lockout:{scope}:ip:{_digest(ip)}"


def lockout_check(*, scope: str, account: str, ip: str) -> None:
    """Raises SignInLocked while the account or the IP is locked."""
    policy = LockoutPolicy.current()
    account_key, ip_key = _keys(scope, account, ip)
    counts = cache.get_many([account_key, ip_key])
    if counts.get(account_key, 0) >= policy.max_per_account or counts.get(ip_key, 0) >= policy.max_per_ip:
        minutes = max(1, policy.window // 60)
        raise SignInLocked(
            f"Too many failed sign-in attempts. Try again in {minutes} minutes.",
            extra={"retry_after": policy.window},
        )


def _bump(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        value = 1
    # Some backends' incr rewrites the entry with the default timeout: set the window explicitly.
    cache.touch(key, timeout=window)
    return value


def lockout_record_failure(*, scope: str, account: str, ip: str) -> bool:
    """Counts a failed attempt; True if this failure locked the account or the IP."""
    policy = LockoutPolicy.current()
    account_key, ip_key = _keys(scope, account, ip)
    by_account = _bump(account_key, policy.window)
    by_ip = _bump(ip_key, policy.window)
    return by_account == policy.max_per_account or by_ip == policy.max_per_ip


def lockout_clear(*, scope: str, account: str) -> None:
    account_key, _ = _keys(scope, account, "")
    cache.delete(account_key)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address NUM_PROXIES trusted proxies put in X-Forwarded-For (as DRF does)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return remote
