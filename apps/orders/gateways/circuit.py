"""Circuit breaker per gateway, shared by every worker and distributor (the "gateways" cache has no
schema in its keys): an exchange that is down is down for everyone. After N consecutive
transient failures the circuit opens for a cool-down; the first call after it is a trial (half-open):
success closes the circuit, failure opens it again."""

import time

from django.conf import settings
from django.core.cache import caches


def _keys(gateway: str) -> tuple[str, str]:
    return f"orders:circuit:{gateway}:failures", f"orders:circuit:{gateway}:open_until"


def is_open(gateway: str) -> bool:
    cache = caches["gateways"]
    _, open_key = _keys(gateway)
    until = cache.get(open_key)
    return until is not None and until > time.time()


def record_success(gateway: str) -> None:
    cache = caches["gateways"]
    failures_key, open_key = _keys(gateway)
    cache.delete_many([failures_key, open_key])


def record_failure(gateway: str) -> int:
    cache = caches["gateways"]
    failures_key, open_key = _keys(gateway)
    cache.add(failures_key, 0, timeout=3600)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        cache.set(failures_key, 1, timeout=3600)
        failures = 1
    if failures >= settings.ORDER_GATEWAY_CIRCUIT["threshold"]:
        cooldown = settings.ORDER_GATEWAY_CIRCUIT["cooldown_seconds"]
        cache.set(open_key, time.time() + cooldown, timeout=int(cooldown) + 60)
    return failures
