"""What operations staff do with orders that need a person: ask the exchange now, or close an order
whose outcome is settled outside the system, with a reason (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.exceptions import ConflictError
from apps.orders import states
from apps.orders.models import Order, OrderStatus, OutboxMessage
from apps.orders.services.orders import order_resolve_unknown
from apps.orders.services.polling import orders_poll_open

NEEDS_ATTENTION = (OrderStatus.QUEUED, OrderStatus.SUBMITTED, OrderStatus.UNKNOWN)
RESOLVABLE = (OrderStatus.QUEUED, OrderStatus.SUBMITTED, OrderStatus.UNKNOWN)


def order_status_query_now(*, order: Order, actor) -> Order:
    """Asks the exchange about the order at once (an unknown outcome, or an accepted order's progress)."""
    if order.status in (OrderStatus.SUBMITTED, OrderStatus.UNKNOWN):
        outcome = order_resolve_unknown(order_id=order.pk)
    elif order.status in (OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING):
        outcome = str(orders_poll_open())
    else:
        raise ConflictError("The exchange has nothing more to say about this order.", code="order_settled")
    audit_record(action="orders.order.status_queried", actor=actor, target=order, extra={"outcome": outcome[:200]})
    return Order.objects.get(pk=order.pk)


def order_mark_resolved(*, order: Order, actor, reason: str) -> Order:
    """Closes an order stuck before or at the exchange as failed, when staff have settled its outcome
    (e.g. the exchange confirmed by phone that it never received it). Its outbox message stops."""
    reason = reason.strip()
    if len(reason) < 5:
        raise ConflictError("Give the reason (at least a few words).", code="reason_required")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in RESOLVABLE:
            raise ConflictError("Only a queued, submitted or unknown order can be resolved here.", code="not_stuck")
        order.failure_code, order.failure_reason = "resolved_by_operations", reason[:500]
        states.order_transition(order=order, to=OrderStatus.FAILED, actor=str(actor)[:120],
                                fields=("failure_code", "failure_reason"), message=reason)  # fmt: skip
        OutboxMessage.objects.filter(order=order).exclude(status=OutboxMessage.Status.DONE).update(
            status=OutboxMessage.Status.DEAD, last_error=f"resolved by operations: {reason}"[:500],
            updated_at=timezone.now(),
        )  # fmt: skip
        audit_record(action="orders.order.resolved", actor=actor, target=order, extra={"reason": reason[:300]})
    return order
