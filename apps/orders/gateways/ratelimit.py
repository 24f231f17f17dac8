"""A token bucket per gateway, shared by every worker: a Lua script in Redis (Redis's own clock), or, when
REDIS_URL is not set, a row locked in Postgres (public.orders_rate_bucket, made by the orders migration).
Buckets are global, not per distributor: the exchange limits the platform's member login."""

import time

from django.conf import settings
from django.db import connection, transaction

from apps.orders.gateways.interface import RateLimited

_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


def _limits(gateway: str) -> tuple[float, float]:
    conf = settings.ORDER_GATEWAY_RATE_LIMITS.get(gateway) or settings.ORDER_GATEWAY_RATE_LIMITS["default"]
    return float(conf["rate"]), float(conf["burst"])


def _take_redis(gateway: str, rate: float, burst: float) -> float:
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    key = f"{settings.CACHE_KEY_PREFIX}:orders:bucket:{gateway}"
    script = redis.register_script(_LUA)
    return float(script(keys=[key], args=[rate, burst]))


def _take_db(gateway: str, rate: float, burst: float) -> float:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.orders_rate_bucket (name, tokens, ts) "
            "VALUES (%s, %s, extract(epoch from clock_timestamp())) ON CONFLICT (name) DO NOTHING",
            [gateway, burst],
        )
        cursor.execute(
            "SELECT tokens, ts, extract(epoch from clock_timestamp()) FROM public.orders_rate_bucket "
            "WHERE name = %s FOR UPDATE",
            [gateway],
        )
        tokens, ts, now = (float(v) for v in cursor.fetchone())
        tokens = min(burst, tokens + max(0.0, now - ts) * rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / rate
        cursor.execute(
            "UPDATE public.orders_rate_bucket SET tokens = %s, ts = %s WHERE name = %s", [tokens, now, gateway]
        )
    return wait


def take_token(gateway: str) -> float:
    """Takes a token if one is free and returns 0, else returns how long until one is (nothing taken)."""
    rate, burst = _limits(gateway)
    if settings.REDIS_URL:
        return _take_redis(gateway, rate, burst)
    return _take_db(gateway, rate, burst)


def acquire(gateway: str, *, max_wait: float | None = None) -> None:
    """Blocks until a token is taken; raises RateLimited when that would take longer than max_wait."""
    limit = settings.ORDER_GATEWAY_RATE_LIMIT_MAX_WAIT if max_wait is None else max_wait
    deadline = time.monotonic() + limit
    while True:
        wait = take_token(gateway)
        if wait <= 0:
            return
        if time.monotonic() + wait > deadline:
            raise RateLimited(f"Rate limit of {gateway} reached.", code="rate_limited")
        time.sleep(wait)
