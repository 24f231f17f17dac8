"""Reads for the operations console: orders that need a person, gateway health, an order's exchange calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import StaffMember
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.exceptions import NotFoundError
from apps.orders.gateways import circuit
from apps.orders.gateways.registry import gateway_names
from apps.orders.models import GatewayCall, Order, OrderStatus, OutboxMessage

STUCK_AFTER = timedelta(minutes=10)


def access_order_by_id(*, staff: StaffMember, public_id) -> Order:
    """Any order of the current distributor, for staff who operate orders; 404 for anyone else."""
    if not role_has_capability(staff.role, Capability.ORDERS_OPERATE):
        raise NotFoundError("No such order.")
    order = Order.objects.select_related("investor", "scheme").filter(public_id=public_id).first()
    if order is None:
        raise NotFoundError("No such order.")
    return order


def orders_needing_attention(*, limit: int = 100) -> QuerySet[Order]:
    """Orders whose outcome at the exchange is unknown, orders stuck in the outbox (queued or submitted
    for longer than STUCK_AFTER, or whose outbox message gave up), and confirmed redemptions held for
    review (a payout bank account changed in the last 24 hours) until staff release them."""
    stale = timezone.now() - STUCK_AFTER
    dead = OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD, order__isnull=False).values("order_id")
    return (
        Order.objects.filter(
            Q(status=OrderStatus.UNKNOWN)
            | Q(status__in=(OrderStatus.QUEUED, OrderStatus.SUBMITTED), updated_at__lt=stale)
            | Q(pk__in=dead, status__in=(OrderStatus.QUEUED, OrderStatus.SUBMITTED, OrderStatus.UNKNOWN))
            | Q(status=OrderStatus.QUEUED, hold_released_at__isnull=True) & ~Q(hold_reason="")
        )
        .select_related("investor", "scheme")
        .order_by("placed_at")[:limit]
    )


@dataclass(frozen=True)
class GatewayHealth:
    gateway: str
    circuit_open: bool
    calls: int
    failures: int
    last_errors: list[GatewayCall]


def gateway_health(*, hours: int = 24) -> list[GatewayHealth]:
    since = timezone.now() - timedelta(hours=hours)
    health = []
    for name in gateway_names():
        recent = GatewayCall.objects.filter(gateway=name, created_at__gte=since)
        failed = recent.exclude(outcome=GatewayCall.Outcome.OK)
        health.append(GatewayHealth(gateway=name, circuit_open=circuit.is_open(name), calls=recent.count(),
                                    failures=failed.count(), last_errors=list(failed[:5])))  # fmt: skip
    return health


def order_calls(*, order: Order) -> QuerySet[GatewayCall]:
    return GatewayCall.objects.filter(order=order).order_by("created_at", "id")
