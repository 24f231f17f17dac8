"""Database and caches. Without Redis, Postgres serves as cache (a table in the public schema) too."""

from .environment import env

DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env("REDIS_URL", default="")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="mfd")
if REDIS_URL:
    _DEFAULT_CACHE = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        # every key carries the schema it was written under: tenant A's key misses under B
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
else:
    # No Redis: a cache table in the public schema, shared by every process (web, worker, beat).
    _DEFAULT_CACHE = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "core_cache",
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    }
_PLATFORM_WIDE = {k: v for k, v in _DEFAULT_CACHE.items() if k != "REVERSE_KEY_FUNCTION"}
CACHES = {
    "default": _DEFAULT_CACHE,
    # Exchange sessions, the rate bucket and the circuit state are the platform's, not a distributor's:
    # a cache without the schema in its keys.
    "gateways": {
        **_PLATFORM_WIDE,
        "KEY_FUNCTION": "django.core.cache.backends.base.default_key_func",
        "KEY_PREFIX": CACHE_KEY_PREFIX + "-gw",
    },
    # Fund data is the same for every distributor: one cache entry serves all of them (apps/funds/cache.py).
    "funds": {**_DEFAULT_CACHE, "KEY_FUNCTION": "apps.funds.cache.make_key"},
    # Platform-wide keys (the tenant lookup version, tenants/lookup.py): the same key on every host.
    "platform": {**_PLATFORM_WIDE, "KEY_FUNCTION": "tenants.lookup.make_key"},
}
