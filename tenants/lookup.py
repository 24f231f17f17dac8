"""Which distributor (with its branding) a request's host belongs to, without a database query per request.

Each web process keeps the distributors it has served in a bounded LRU map (host -> distributor), so a
worker's memory stays flat however many hosts it serves. Entries carry the platform's lookup version, a
counter in the shared cache; any change to a distributor, a domain or a branding bumps it (signals in
tenants/apps.py), which makes every process's entries stale at once. A request therefore costs one cache
read (the version) instead of a join on domains, distributors and brandings, and a suspension, a domain
move or a new logo is seen by the next request. Bulk `.update()`s skip signals: call
`tenant_lookup_invalidate_on_change()` after one.

When the cache cannot be reached the lookup goes to the database: correctness never depends on Redis."""

import logging
import pickle
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_tenant_domain_model

logger = logging.getLogger(__name__)

LOOKUP_VERSION_KEY = "tenants:lookup-version"


def make_key(key: str, key_prefix: str, version: int) -> str:
    """KEY_FUNCTION of the "platform" cache alias: one key for the whole platform, whichever schema the
    connection is on (the version must be the same for a request on any host)."""
    return f"platform:{key_prefix}:{version}:{key}"


class _BoundedLru:
    """A thread-safe LRU map holding at most TENANT_LOOKUP_CACHE_SIZE entries."""

    def __init__(self):
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > settings.TENANT_LOOKUP_CACHE_SIZE:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


_tenants_by_host = _BoundedLru()


def _platform_cache():
    return caches["platform"]


def tenant_lookup_version() -> int | None:
    """The platform's current lookup version; None when the cache is unreachable (then nothing is cached)."""
    try:
        cache = _platform_cache()
        version = cache.get(LOOKUP_VERSION_KEY)
        if version is None:
            # started from the clock, so a counter lost with Redis never repeats a version still held
            cache.add(LOOKUP_VERSION_KEY, time.time_ns(), timeout=None)
            version = cache.get(LOOKUP_VERSION_KEY)
    except Exception:  # a cache outage must not take the site down
        logger.warning("tenant lookup: cache unavailable, reading domains from the database", exc_info=True)
        return None
    return None if version is None else int(version)


def tenant_lookup_invalidate() -> None:
    """Makes every process's cached host lookups stale."""
    _tenants_by_host.clear()
    try:
        cache = _platform_cache()
        try:
            cache.incr(LOOKUP_VERSION_KEY)
        except ValueError:  # absent: any fresh value differs from what entries carry
            cache.set(LOOKUP_VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("tenant lookup: could not bump the lookup version", exc_info=True)


def tenant_lookup_invalidate_on_change(**kwargs) -> None:
    """Signal receiver for Distributor and Domain saves and deletes. Bumps now (this process and any reader
    from now on) and again after commit: a process that read the old rows between the first bump and the
    commit would otherwise keep them under the new version."""
    tenant_lookup_invalidate()
    transaction.on_commit(tenant_lookup_invalidate)


def tenant_for_host(*, hostname: str):
    """The distributor serving `hostname` with its branding, or raises the domain model's DoesNotExist.
    Entries are kept pickled and each caller gets its own objects: what a request sets on them (django-tenants
    sets domain_url, a form may assign unsaved values to the branding) never reaches another request."""
    version = tenant_lookup_version()
    if version is not None:
        cached = _tenants_by_host.get(hostname)
        if cached is not None and cached[0] == version:
            return pickle.loads(cached[1])  # noqa: S301 (bytes this process pickled)
    domain = get_tenant_domain_model().objects.select_related("tenant__branding").get(domain=hostname)
    tenant = domain.tenant
    if version is not None:
        _tenants_by_host.put(hostname, (version, pickle.dumps(tenant)))
    return tenant


def tenant_lookup_cached_hosts() -> int:
    """How many hosts this process holds (bounded by TENANT_LOOKUP_CACHE_SIZE)."""
    return len(_tenants_by_host)


class CachedTenantMainMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with the host lookup served from the bounded cache above."""

    def get_tenant(self, domain_model, hostname):
        return tenant_for_host(hostname=hostname)
