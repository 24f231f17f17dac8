"""Idempotency-Key: the first response to a key is kept (per investor and endpoint, at least 72 hours).

    same key, same body, first request done    -> the stored response again (Idempotent-Replayed: true)
    same key, other body                         -> 422
    same key while the first is still running    -> 409
    same key after its window                    -> 422 idempotency_key_expired (never a second order)

The key row is claimed in its own committed transaction (so concurrent requests see it at once) and
completed in the transaction that writes the order: an order never exists without its stored response.
A claim whose request died (no order was written) is taken over after its lock time."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.exceptions import ApplicationError, ConflictError
from apps.orders.models import IdempotencyRecord


class IdempotencyKeyMissing(ApplicationError):
    code = "idempotency_key_required"


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status_code = 422


class IdempotencyKeyExpired(ApplicationError):
    code = "idempotency_key_expired"
    status_code = 422


class IdempotencyInFlight(ConflictError):
    code = "idempotency_in_flight"


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


def fingerprint_of(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotency_begin(*, investor: Investor, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | Replay:
    key = (key or "").strip()
    if not key or len(key) > 255:
        raise IdempotencyKeyMissing("An Idempotency-Key header (1 to 255 characters) is required.")
    # A claim can vanish between our failed insert and our read (its request failed and released the key):
    # then the insert is tried again. Never more than a few rounds: each one means another request won.
    for _ in range(3):
        claim = _claim_new(investor=investor, scope=scope, key=key, fingerprint=fingerprint)
        if claim is None:
            claim = _claim_existing(investor=investor, scope=scope, key=key, fingerprint=fingerprint)
        if claim is not None:
            return claim
    raise IdempotencyInFlight("A request with this Idempotency-Key is still being processed.")


def _claim_new(*, investor: Investor, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                investor=investor, scope=scope, key=key, fingerprint=fingerprint,
                locked_until=now + timedelta(seconds=settings.ORDERS_IDEMPOTENCY_LOCK_SECONDS),
                expires_at=now + timedelta(hours=settings.ORDERS_IDEMPOTENCY_HOURS),
            )  # fmt: skip
    except IntegrityError:
        return None


def _claim_existing(*, investor: Investor, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | Replay | None:
    """The key is taken: replay, refuse, or take over a claim whose request died. None if the claim is gone."""
    now = timezone.now()
    with transaction.atomic():
        record = IdempotencyRecord.objects.select_for_update().filter(investor=investor, scope=scope, key=key).first()
        if record is None:
            return None
        if record.state == IdempotencyRecord.State.COMPLETED and record.expires_at <= now:
            # the key stays on what it created: a late replay must never create a second order
            raise IdempotencyKeyExpired(
                "This Idempotency-Key was used more than "
                f"{settings.ORDERS_IDEMPOTENCY_HOURS} hours ago. Send a new request with a new key."
            )
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.")
        if record.state == IdempotencyRecord.State.COMPLETED:
            return Replay(status=record.response_status, body=record.response_body)
        if record.locked_until <= now:  # its request died before writing anything: take it over
            record.locked_until = now + timedelta(seconds=settings.ORDERS_IDEMPOTENCY_LOCK_SECONDS)
            record.save(update_fields=["locked_until", "updated_at"])
            return record
    raise IdempotencyInFlight("A request with this Idempotency-Key is still being processed.")


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: Any) -> None:
    """In the transaction that wrote the result."""
    record.state, record.response_status, record.response_body = IdempotencyRecord.State.COMPLETED, status, body
    record.save(update_fields=["state", "response_status", "response_body", "updated_at"])


def idempotency_abandon(*, record: IdempotencyRecord) -> None:
    """The request failed without writing anything: the key may be used again."""
    IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.State.IN_FLIGHT).delete()


def idempotent_create(
    *, investor: Investor, scope: str, key: str, request_data: Any, create: Callable[[], Any]
) -> tuple[Any, bool]:
    """Runs `create` (which writes and returns the response body) at most once per investor, scope and key:
    a repeat with the same request gets the stored body back. Returns (body, replayed). The write and the
    stored response commit together; a failure releases the key for a corrected retry."""
    claim = idempotency_begin(investor=investor, scope=scope, key=key, fingerprint=fingerprint_of(request_data))
    if isinstance(claim, Replay):
        return claim.body, True
    try:
        with transaction.atomic():
            body = create()
            idempotency_complete(record=claim, status=201, body=body)
    except Exception:
        idempotency_abandon(record=claim)
        raise
    return body, False


def idempotency_purge() -> int:
    """Past their window, claims that never completed are deleted and completed keys lose their stored
    response; the completed keys themselves stay, so a late replay is refused instead of creating again."""
    now = timezone.now()
    dropped, _ = IdempotencyRecord.objects.filter(
        state=IdempotencyRecord.State.IN_FLIGHT, expires_at__lte=now, locked_until__lte=now
    ).delete()
    emptied = IdempotencyRecord.objects.filter(
        state=IdempotencyRecord.State.COMPLETED, expires_at__lte=now, response_body__isnull=False
    ).update(response_body=None, updated_at=now)
    return dropped + emptied
