"""Counters that slow down password and code guessing, in the tenant-aware cache (so per distributor).

A failure counts against the identifier typed (normalised: trimmed, lower case, hashed; whether or not an
account exists, so a lock says nothing about which accounts exist) and, where the policy says so, against
the client IP (apps.core.client_ip). A counter's window restarts with each failure; a success clears the
identifier's count. The IP limit is higher than the identifier's: an office behind one NAT address must
not lock itself out because two people mistype."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class SignInLimits:
    """`max_per_identifier` / `max_per_ip` failures within `window` seconds; None: that side is not counted."""

    max_per_identifier: int | None
    max_per_ip: int | None
    window: int


def _digest(value: str) -> str:
    return hashlib.sha256((value or "").strip().lower().encode()).hexdigest()[:32]


def _identifier_key(scope: str, identifier: str) -> str:
    return f"signin:{scope}:id:{_digest(identifier)}"


def _ip_key(scope: str, ip: str) -> str:
    return f"signin:{scope}:ip:{_digest(ip or '-')}"


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


def _watched(scope: str, identifier: str, ip: str, limits: SignInLimits) -> list[tuple[str, int]]:
    """(cache key, limit) of each counter the policy keeps."""
    watched = []
    if limits.max_per_identifier is not None and identifier is not None:
        watched.append((_identifier_key(scope, identifier), limits.max_per_identifier))
    if limits.max_per_ip is not None and ip is not None:
        watched.append((_ip_key(scope, ip), limits.max_per_ip))
    return watched


def signin_locked(*, scope: str, limits: SignInLimits, identifier: str | None = None, ip: str | None = None) -> bool:
    """True while the identifier or the IP has reached its limit."""
    watched = _watched(scope, identifier, ip, limits)
    counts = cache.get_many([key for key, _ in watched])
    return any(counts.get(key, 0) >= limit for key, limit in watched)


def signin_failure_record(
    *, scope: str, limits: SignInLimits, identifier: str | None = None, ip: str | None = None
) -> bool:
    """Counts one failure (or one attempt, for limits on every request); True if this one reached a limit
    (so a caller can audit the moment of locking once)."""
    reached = False
    for key, limit in _watched(scope, identifier, ip, limits):
        reached = _bump(key, limits.window) == limit or reached
    return reached


def signin_failures_clear(*, scope: str, identifier: str) -> None:
    cache.delete(_identifier_key(scope, identifier))
