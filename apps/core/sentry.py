"""Error reporting to Sentry (sentry-sdk with its Django and Celery integrations) when SENTRY_DSN is set.

Nothing personal leaves the platform: before an event is sent, PANs, e-mail addresses and mobile
numbers are masked everywhere in it (messages, exception values, local variables, breadcrumbs, request
data), and secrets (tokens, passwords, keys, cookies, Authorization headers) are replaced outright. The
distributor's schema is a tag, so an error is found per distributor.
"""

import re
from typing import Any

import sentry_sdk
from django.db import connection
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from apps.core.logging import mask_text

FILTERED = "[Filtered]"
# keys whose values are secrets whatever they look like
SECRET_KEY_RE = re.compile(
    r"(passw|secret|token|api[_-]?key|authorization|cookie|sessionid|csrf|private[_-]?key|signature|"
    r"code[_-]?verifier|(^|[_-])(otp|pin|dsn|pwd)($|[_-]))",
    re.IGNORECASE,
)
# bearer tokens, JWTs and long opaque tokens inside free text
TOKEN_RE = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def scrub_text(text: str) -> str:
    text = TOKEN_RE.sub(lambda m: (m.group(1) or "") + FILTERED, text)
    return mask_text(text)


def scrub(value: Any, key: str = "") -> Any:
    """Masks PII in every string of a nested structure; drops values kept under a secret-sounding key."""
    if key and SECRET_KEY_RE.search(key):
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def sentry_before_send(event: dict, hint: dict | None = None) -> dict:
    event = scrub(event)
    schema = getattr(connection, "schema_name", None)
    if schema:
        event.setdefault("tags", {})["tenant"] = schema
    return event


def sentry_before_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return scrub(crumb)


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    """Called from settings when SENTRY_DSN is set (web, workers and beat all load settings)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[
            DjangoIntegration(transaction_style="url"),
            CeleryIntegration(monitor_beat_tasks=False),
            LoggingIntegration(),
        ],
        traces_sample_rate=traces_sample_rate,
        before_send=sentry_before_send,
        before_send_transaction=sentry_before_send,
        before_breadcrumb=sentry_before_breadcrumb,
    )
