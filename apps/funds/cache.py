"""Caching of fund data, which is the same for every distributor.

The "funds" cache alias keys everything under the public schema, whichever schema the connection is on:
imports run in the public schema and the API answers on tenant hosts, and both must see one catalogue
version. Every import that changes data bumps that version (after commit), and the version is part of every
cached response's key, so a bump invalidates all of them at once without scanning keys."""

import logging
import time

from django.core.cache import caches
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)

CATALOG_VERSION_KEY = "funds:catalog-version"


def make_key(key: str, key_prefix: str, version: int) -> str:
    """KEY_FUNCTION of the "funds" cache alias: the public schema's key for every schema."""
    return f"{get_public_schema_name()}:{key_prefix}:{version}:{key}"


def funds_cache():
    return caches["funds"]


def catalog_version() -> int:
    """The current catalogue version. Started from the clock when absent (first use, or Redis evicted it),
    so a restarted counter never repeats a version that cached entries may still carry."""
    cache = funds_cache()
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(CATALOG_VERSION_KEY)
    return int(version)


def catalog_version_bump() -> None:
    """Runs after an import commits. A cache outage must not turn a committed import into an error:
    it is logged, and cached responses then age out (FUNDS_API_CACHE_SECONDS)."""
    cache = funds_cache()
    try:
        try:
            cache.incr(CATALOG_VERSION_KEY)
        except ValueError:  # absent: any fresh value differs from every earlier one
            cache.set(CATALOG_VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.exception("could not bump the fund catalogue version")
