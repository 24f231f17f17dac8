"""Throttles keyed per client IP and per user. Cache keys go through the tenant-aware key function, so
limits are counted per distributor. Rates are read at request time (settings overrides apply).

With Redis, each throttle costs one round-trip: a sliding window kept in a sorted set and checked and
updated by one Lua script (atomic, so concurrent workers cannot both take the last slot). Without Redis
(the database cache) DRF's read-then-write history is used."""

import math
import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.cache import RedisCache
from rest_framework import throttling
from rest_framework.settings import api_settings

# KEYS[1] the window; ARGV: now (s), window (s), limit, a unique member. Returns {allowed, oldest kept}.
# A key of another type is a history DRF's read-then-write path left (the database-cache fallback, or a
# release before this script): it is dropped, and the window starts again from this request.
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind ~= 'zset' and kind ~= 'none' then
    redis.call('DEL', KEYS[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('EXPIRE', KEYS[1], math.ceil(window))
    return {1, ''}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, oldest[2]}
"""


class _RuntimeRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class _SlidingWindowThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's check in one Redis round-trip. Comes after DRF's throttle classes in the MRO,
    so ScopedRateThrottle picks its scope and rate before the check runs."""

    _oldest: float | None = None

    def allow_request(self, request, view):
        # DRF's `cache` is django.core.cache.cache, a proxy that isinstance() cannot see through: the
        # backend itself says whether Redis is there
        backend = caches[DEFAULT_CACHE_ALIAS]
        if self.rate is None or not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        client = backend.client.get_client(write=True)
        allowed, oldest = client.eval(
            _SLIDING_WINDOW,
            1,
            backend.make_key(self.key),
            repr(self.now),
            self.duration,
            self.num_requests,
            f"{self.now!r}:{secrets.token_hex(4)}",
        )
        self._oldest = float(oldest) if oldest else None
        return bool(allowed)

    def wait(self):
        if self._oldest is None:
            return super().wait()
        return max(self.duration - (self.now - self._oldest), 0.0)


class IpRateThrottle(_RuntimeRateMixin, _SlidingWindowThrottle):
    """Every request, signed in or not, counts against its client IP."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(_RuntimeRateMixin, throttling.UserRateThrottle, _SlidingWindowThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # the IP throttle covers anonymous requests
        return super().get_cache_key(request, view)


class ScopedRateThrottle(_RuntimeRateMixin, throttling.ScopedRateThrottle, _SlidingWindowThrottle):
    """For endpoints that can be abused (OTP sends, sign-in): `throttle_scope = "otp"` on the view."""


class _PageThrottle(_RuntimeRateMixin, _SlidingWindowThrottle):
    """One scope's rate for a page view (a Django view, not DRF), counted per signed-in user or per IP."""

    def __init__(self, scope: str, *, per_ip: bool):
        self.scope = scope
        self.per_ip = per_ip
        super().__init__()

    def get_cache_key(self, request, view):
        if self.per_ip:
            ident = self.get_ident(request)
        elif request.user and request.user.is_authenticated:
            ident = request.user.pk  # the same key as the API's throttle of this scope: one budget
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


def page_throttle_wait(request, *, scope: str) -> float | None:
    """For uploads from page views: `scope`'s rate per signed-in user and `<scope>_ip`'s per client IP.
    Returns None and counts the attempt when both allow it, else the seconds until the next one may."""
    for throttle in (_PageThrottle(scope, per_ip=False), _PageThrottle(f"{scope}_ip", per_ip=True)):
        if not throttle.allow_request(request, None):
            return throttle.wait() or 1.0
    return None


def throttled_message(wait: float) -> str:
    """What a person sees when a page throttle refuses them."""
    minutes = max(1, math.ceil(wait / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many uploads for now. Nothing was saved; please try again in {minutes} {unit}."
