"""The client's address, proxy-aware: behind TRUSTED_PROXY_COUNT reverse proxies (nginx, an ingress) the
address is the one the outermost trusted proxy appended to X-Forwarded-For; anything further left was
written by the client and is not trusted. With no trusted proxy (the default) it is REMOTE_ADDR.

DRF's throttles count by the same rule (REST_FRAMEWORK["NUM_PROXIES"] is set from the same setting)."""

import ipaddress
from collections.abc import Mapping

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_from_meta(meta: Mapping[str, str]) -> str:
    """The address from a WSGI environ-like mapping (Django's request.META, oauthlib's request.headers)."""
    remote = meta.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
        if forwarded:
            candidate = _valid_ip(forwarded[-min(proxies, len(forwarded))])
            if candidate:
                return candidate
    return remote


def client_ip(request) -> str:
    """The address of the client that sent a Django request (see the module's docstring)."""
    return client_ip_from_meta(request.META)
