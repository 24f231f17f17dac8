"""Runs outbox messages: claim (row lock, lease), handle, then done / retry with backoff / dead. The sweeper
re-sends messages whose task was lost or whose worker died."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.http import backoff_delay
from apps.orders.models import OrderStatus, OutboxMessage
from apps.orders.services import mandates, outbox, sips
from apps.orders.services.orders import order_fail, order_submit
from apps.orders.services.outbox import Retry

logger = logging.getLogger(__name__)


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter for transient faults (the shared rule of apps.core.http)."""
    return backoff_delay(attempt, base=settings.ORDERS_RETRY_BASE_SECONDS, cap=settings.ORDERS_RETRY_MAX_SECONDS)


def _handler(message: OutboxMessage):
    kind = OutboxMessage.Kind
    if message.kind == kind.ORDER_SUBMIT:
        return lambda: order_submit(order_id=message.order_id)
    if message.kind == kind.SIP_REGISTER:
        return lambda: sips.sip_submit(sip_id=message.sip_id)
    if message.kind == kind.SIP_CANCEL:
        return lambda: sips.sip_cancel_at_exchange(sip_id=message.sip_id)
    if message.kind == kind.MANDATE_REGISTER:
        return lambda: mandates.mandate_submit(mandate_id=message.mandate_id)
    raise ValueError(f"No handler for outbox kind {message.kind}")


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, available_at__lte=now)
            .filter(
                Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.PROCESSING, locked_until__lt=now)
            )
            .first()
        )
        if message is None:
            return None
        message.status = OutboxMessage.Status.PROCESSING
        message.locked_until = now + timedelta(seconds=settings.ORDERS_OUTBOX_LEASE_SECONDS)
        message.attempts += 1
        message.save(update_fields=["status", "locked_until", "attempts", "updated_at"])
    return message


def outbox_process(*, message_id: int) -> str:
    """Handles one message if it is due and not held by another worker. Returns what happened."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        result = _handler(message)()
    except Retry as retry:
        delay = backoff_seconds(message.attempts) if retry.delay is None else max(0.0, retry.delay)
        return _reschedule(message, reason=retry.reason, delay=delay)
    except Exception as exc:  # noqa: BLE001 - the message must not be lost to a bug: retry, then give up
        logger.exception("outbox message %s failed", message.pk)
        return _reschedule(message, reason=f"{type(exc).__name__}: {exc}", delay=backoff_seconds(message.attempts))
    if result == "again":
        return _reschedule(message, reason="run again", delay=0)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.DONE, done_at=timezone.now(), locked_until=None, updated_at=timezone.now()
    )
    return "done"


def _reschedule(message: OutboxMessage, *, reason: str, delay: float) -> str:
    now = timezone.now()
    if message.attempts >= settings.ORDERS_OUTBOX_MAX_ATTEMPTS and not _outcome_unknown(message):
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.DEAD, last_error=reason[:500], locked_until=None, updated_at=now
        )
        if message.order_id:
            order_fail(order_id=message.order_id, code="exchange_unreachable",
                       reason=f"Gave up after {message.attempts} tries: {reason}")  # fmt: skip
        return "dead"
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.PENDING, available_at=now + timedelta(seconds=delay), locked_until=None,
        last_error=reason[:500], updated_at=now,
    )  # fmt: skip
    outbox.outbox_dispatch(message_id=message.pk, countdown=delay)
    return "retry"


def _outcome_unknown(message: OutboxMessage) -> bool:
    """An order the exchange may hold is never given up on: it keeps being looked up."""
    return bool(message.order_id) and message.order.status in (OrderStatus.SUBMITTED, OrderStatus.UNKNOWN)


def outbox_due(*, limit: int = 500) -> list[int]:
    """Messages that should be running and are not: pending and due for longer than the stuck delay (their
    task was lost) or processing past their lease (their worker died)."""
    now = timezone.now()
    stuck = now - timedelta(seconds=settings.ORDERS_OUTBOX_STUCK_SECONDS)
    return list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING, available_at__lte=stuck)
            | Q(status=OutboxMessage.Status.PENDING, available_at__lte=now, dispatched_at__isnull=True)
            | Q(status=OutboxMessage.Status.PENDING, available_at__lte=now, dispatched_at__lt=stuck)
            | Q(status=OutboxMessage.Status.PROCESSING, locked_until__lt=now)
        )
        .order_by("available_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_sweep(*, limit: int = 500) -> int:
    """Re-sends every stuck message's task. Returns how many."""
    ids = outbox_due(limit=limit)
    for message_id in ids:
        outbox.outbox_dispatch(message_id=message_id)
    return len(ids)


def outbox_drain(*, rounds: int = 20) -> int:
    """Processes every due message in this process until none is left (tests, benchmarks, the demo)."""
    handled = 0
    for _ in range(rounds):
        now = timezone.now()
        ids = list(
            OutboxMessage.objects.filter(
                Q(status=OutboxMessage.Status.PENDING)
                | Q(status=OutboxMessage.Status.PROCESSING, locked_until__lt=now),
                available_at__lte=now,
            ).values_list("pk", flat=True)
        )
        if not ids:
            break
        for message_id in ids:
            if outbox_process(message_id=message_id) != "skipped":
                handled += 1
    return handled
