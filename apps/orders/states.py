"""The one place where an order, a SIP registration or a mandate changes status.

    pending_otp -> queued -> submitted -> accepted -> payment_pending (purchases) -> successful
                                 |-> unknown (timeout / lost reply): next step is a status query
                                 |-> queued  (the exchange never received it: safe to send again)
    ... -> rejected | failed | cancelled; successful -> reversed

An illegal transition raises IllegalTransition. Every transition stamps the state's timestamp and
appends an OrderEvent (orders) in the caller's transaction; the caller holds the row lock."""

from typing import Any

from django.utils import timezone

from apps.core.exceptions import ConflictError
from apps.notifications.services import order_event_notify
from apps.orders.models import (
    Mandate,
    MandateStatus,
    Order,
    OrderEvent,
    OrderStatus,
    SipRegistration,
    SipStatus,
)

S = OrderStatus

ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_OTP: frozenset({S.QUEUED, S.CANCELLED, S.FAILED}),
    S.QUEUED: frozenset({S.SUBMITTED, S.CANCELLED, S.FAILED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED, S.QUEUED, S.UNKNOWN, S.FAILED}),
    S.UNKNOWN: frozenset({S.ACCEPTED, S.QUEUED, S.REJECTED, S.FAILED}),
    S.ACCEPTED: frozenset({S.PAYMENT_PENDING, S.SUCCESSFUL, S.REJECTED, S.FAILED, S.CANCELLED}),
    S.PAYMENT_PENDING: frozenset({S.SUCCESSFUL, S.REJECTED, S.FAILED, S.CANCELLED}),
    S.SUCCESSFUL: frozenset({S.REVERSED}),
    S.REJECTED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REVERSED: frozenset(),
}
ORDER_TERMINAL = frozenset(status for status, targets in ORDER_TRANSITIONS.items() if not targets) | {S.SUCCESSFUL}
# Orders the exchange has (or may have): the status poller looks after them.
ORDER_OPEN_AT_EXCHANGE = frozenset({S.SUBMITTED, S.UNKNOWN, S.ACCEPTED, S.PAYMENT_PENDING})
ORDER_CANCELLABLE_LOCALLY = frozenset({S.PENDING_OTP, S.QUEUED})
ORDER_CANCELLABLE_AT_EXCHANGE = frozenset({S.ACCEPTED, S.PAYMENT_PENDING})

ORDER_TIMESTAMP = {
    S.QUEUED: "queued_at",
    S.SUBMITTED: "submitted_at",
    S.UNKNOWN: "unknown_at",
    S.ACCEPTED: "accepted_at",
    S.PAYMENT_PENDING: "payment_pending_at",
    S.SUCCESSFUL: "successful_at",
    S.REJECTED: "rejected_at",
    S.FAILED: "failed_at",
    S.CANCELLED: "cancelled_at",
    S.REVERSED: "reversed_at",
}

P = SipStatus
SIP_TRANSITIONS: dict[str, frozenset[str]] = {
    P.PENDING_OTP: frozenset({P.QUEUED, P.CANCELLED, P.FAILED}),
    P.QUEUED: frozenset({P.SUBMITTED, P.CANCELLED, P.FAILED}),
    P.SUBMITTED: frozenset({P.ACTIVE, P.REJECTED, P.QUEUED, P.UNKNOWN, P.FAILED}),
    P.UNKNOWN: frozenset({P.ACTIVE, P.QUEUED, P.REJECTED, P.FAILED}),
    P.ACTIVE: frozenset({P.CANCEL_REQUESTED, P.COMPLETED, P.CANCELLED}),
    P.CANCEL_REQUESTED: frozenset({P.CANCELLED, P.ACTIVE}),
    P.REJECTED: frozenset(),
    P.FAILED: frozenset(),
    P.CANCELLED: frozenset(),
    P.COMPLETED: frozenset(),
}

M = MandateStatus
MANDATE_TRANSITIONS: dict[str, frozenset[str]] = {
    M.PENDING_OTP: frozenset({M.QUEUED, M.CANCELLED, M.FAILED}),
    M.QUEUED: frozenset({M.SUBMITTED, M.CANCELLED, M.FAILED}),
    M.SUBMITTED: frozenset({M.REGISTERED, M.REJECTED, M.QUEUED, M.FAILED}),
    M.REGISTERED: frozenset({M.APPROVED, M.REJECTED, M.CANCELLED}),
    M.APPROVED: frozenset({M.CANCELLED}),
    M.REJECTED: frozenset(),
    M.FAILED: frozenset(),
    M.CANCELLED: frozenset(),
}


class IllegalTransition(ConflictError):
    code = "illegal_transition"


def _check(machine: dict[str, frozenset[str]], label: str, current: str, target: str) -> None:
    if target not in machine.get(current, frozenset()):
        raise IllegalTransition(
            f"A {label} cannot go from {current} to {target}.", extra={"from": current, "to": target}
        )


def order_can_transition(*, order: Order, to: str) -> bool:
    return to in ORDER_TRANSITIONS.get(order.status, frozenset())


def order_transition(
    *,
    order: Order,
    to: str,
    actor: str = "system",
    message: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
) -> OrderEvent:
    """Moves the (locked) order to `to`, saving the status, its timestamp and `fields` the caller set."""
    _check(ORDER_TRANSITIONS, "order", order.status, to)
    previous = order.status
    now = timezone.now()
    order.status = to
    update = {"status", "updated_at", *fields}
    stamp = ORDER_TIMESTAMP.get(to)
    if stamp:
        setattr(order, stamp, now)
        update.add(stamp)
    order.save(update_fields=sorted(update))
    event = OrderEvent.objects.create(
        order=order,
        kind="status",
        from_status=previous,
        to_status=to,
        actor=actor[:120],
        message=message[:500],
        data=data or {},
    )
    order_event_notify(order=order, status=to)  # the investor hears of the transitions they care for
    return event


def order_event(*, order: Order, kind: str, message: str = "", actor: str = "system", data: dict | None = None):
    """A fact about the order that does not change its status (an attempt, a payment, a status query)."""
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor[:120], message=message[:500], data=data or {})


def sip_transition(*, sip: SipRegistration, to: str, fields: tuple[str, ...] = ()) -> None:
    _check(SIP_TRANSITIONS, "SIP", sip.status, to)
    sip.status = to
    sip.save(update_fields=sorted({"status", "updated_at", *fields}))


def mandate_transition(*, mandate: Mandate, to: str, fields: tuple[str, ...] = ()) -> None:
    _check(MANDATE_TRANSITIONS, "mandate", mandate.status, to)
    mandate.status = to
    mandate.save(update_fields=sorted({"status", "updated_at", *fields}))
