"""Limits for the branded sign-in page: password failures per identifier, code requests per client
address. Counters live in the tenant-aware cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache

WEB_OTP_PER_IP = 20
WEB_OTP_WINDOW_SECONDS = 3600


def _key(kind: str, value: str) -> str:
    return f"signin:{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _increment(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def password_signin_blocked(identifier: str) -> bool:
    return _count(_key("fail", identifier)) >= settings.LOGIN_MAX_FAILURES


def password_signin_failed(identifier: str) -> None:
    _increment(_key("fail", identifier), settings.LOGIN_FAILURE_WINDOW_SECONDS)


def password_signin_succeeded(identifier: str) -> None:
    cache.delete(_key("fail", identifier))


def code_request_allowed(ip_address: str) -> bool:
    """Counts a code request from this address; False past the hourly limit."""
    return _increment(_key("otp-ip", ip_address or "-"), WEB_OTP_WINDOW_SECONDS) <= WEB_OTP_PER_IP
