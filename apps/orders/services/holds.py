"""Redemptions held for review: a redemption paid to a bank account added or made primary in the last 24
hours is recorded with its hold_reason (order_place) and, once the investor's OTP queues it, waits
instead of going to the exchange (order_submit). Staff who operate orders release it here; a released
order goes on to the exchange as any other, and an order still waiting for its OTP simply goes on when
it is confirmed. Staff who do not want it paid cancel it instead."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.permissions import Capability, role_has_capability
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.orders import states
from apps.orders.models import Order, OrderStatus, OutboxMessage
from apps.orders.services.common import actor_label
from apps.orders.services.outbox import outbox_enqueue


def order_hold_release(*, order: Order, staff, note: str = "") -> Order:
    """Releases a held order (fetched through an access selector for `staff`). Audited."""
    if not role_has_capability(staff.role, Capability.ORDERS_OPERATE):
        raise ApplicationError("You may not release held orders.", code="permission_denied", status_code=403)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not order.is_held:
            raise ConflictError("This order is not held.", code="order_not_held")
        if order.status not in (OrderStatus.PENDING_OTP, OrderStatus.QUEUED):
            raise ConflictError("This order is closed; there is nothing to release.", code="order_settled")
        order.hold_released_at, order.hold_released_by = timezone.now(), staff.user
        order.save(update_fields=["hold_released_at", "hold_released_by", "updated_at"])
        message = "hold released by staff" + (f": {note.strip()[:200]}" if note.strip() else "")
        states.order_event(order=order, kind="hold_released", actor=actor_label(staff.user), message=message)
        if order.status == OrderStatus.QUEUED:
            outbox_enqueue(kind=OutboxMessage.Kind.ORDER_SUBMIT, order=order)
        audit_record(
            action="orders.order.hold_released",
            actor=staff.user,
            target=order,
            extra={"reason": order.hold_reason, "note": note.strip()[:200]},
        )
    return order
