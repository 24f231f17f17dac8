"""Throttles keyed per client IP and per user. Cache keys go through the tenant-aware key function, so
limits are counted per distributor. Rates are read at request time (settings overrides apply)."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RuntimeRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class IpRateThrottle(_RuntimeRateMixin, throttling.SimpleRateThrottle):
    """Every request, signed in or not, counts against its client IP."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(_RuntimeRateMixin, throttling.UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # the IP throttle covers anonymous requests
        return super().get_cache_key(request, view)


class ScopedRateThrottle(_RuntimeRateMixin, throttling.ScopedRateThrottle):
    """For endpoints that can be abused (OTP sends, sign-in): `throttle_scope = "otp"` on the view."""
