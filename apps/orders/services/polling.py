"""The status poller (a beat job per distributor): exchanges do not push, so open orders are looked up
in batches per client, throttled by the gateway's rate limit: payment status for purchases waiting for
funds, the allotment and redemption statements, the order status for orders the exchange may drop,
new SIP instalments and mandate approvals."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from apps.orders.gateways.interface import CallContext, GatewayError, StatusQuery
from apps.orders.gateways.registry import gateway_get
from apps.orders.models import ExchangeClient, MandateStatus, Order, OrderKind, OrderStatus, SipStatus
from apps.orders.services import mandates, sips
from apps.orders.services.orders import (
    order_record_allotment,
    order_record_exchange_status,
    order_record_payment,
)

logger = logging.getLogger(__name__)


def orders_poll_open(*, limit: int | None = None) -> dict:
    limit = limit or settings.ORDERS_POLL_BATCH
    now = timezone.now()
    counts = defaultdict(int)
    open_orders = list(
        Order.objects.filter(status__in=[OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING])
        .exclude(gateway="")
        .select_related("investor")
        .order_by("next_check_at", "id")[:limit]
    )
    groups: dict[tuple[str, int], list[Order]] = defaultdict(list)
    for order in open_orders:
        groups[(order.gateway, order.investor_id)].append(order)
    for (gateway_name, investor_id), orders in groups.items():
        client = ExchangeClient.objects.filter(investor_id=investor_id, gateway=gateway_name).first()
        if client is None:
            continue
        try:
            _poll_client(gateway_name, client, orders, counts)
        except GatewayError as exc:
            logger.warning("polling %s for %s failed: %s", gateway_name, client.client_code, exc.message)
            counts["errors"] += 1
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(
            next_check_at=now + timedelta(seconds=settings.ORDERS_POLL_INTERVAL_SECONDS)
        )
    counts["sips"] = sips.sips_sync_instalments()
    counts["mandates"] = mandates.mandates_refresh()
    return dict(counts)


def _poll_client(gateway_name: str, client: ExchangeClient, orders: list[Order], counts) -> None:
    gateway = gateway_get(gateway_name)
    call = CallContext(reference=client.client_code)
    by_exchange_id = {o.exchange_order_id: o for o in orders if o.exchange_order_id}
    first_day = min(o.placed_at for o in orders).date() - timedelta(days=1)
    query = StatusQuery(client_code=client.client_code, from_date=first_day,
                        to_date=timezone.localdate() + timedelta(days=1))  # fmt: skip
    # payment for purchases
    for order in orders:
        if (
            order.kind == OrderKind.PURCHASE
            and order.status == OrderStatus.PAYMENT_PENDING
            and not order.payment_confirmed_at
        ):
            order_call = CallContext(order_id=order.pk, reference=order.client_ref)
            status = gateway.payment_status(
                client_code=client.client_code, exchange_order_id=order.exchange_order_id, call=order_call
            )
            if status.state == "approved":
                order_record_payment(order_id=order.pk, realised_at=status.realised_at or timezone.now())
                counts["paid"] += 1
    # allotments (purchases, SIP instalments, switch-ins) and redemptions (redemptions, switch-outs)
    statement_from = min(first_day, Order.objects.filter(pk__in=[o.pk for o in orders]).aggregate(
        d=Min("placed_at"))["d"].date())  # fmt: skip
    query = StatusQuery(client_code=client.client_code, from_date=statement_from, to_date=query.to_date)
    if any(o.kind in (OrderKind.PURCHASE, OrderKind.SWITCH) for o in orders):
        for record in gateway.allotment_statement(query, call=call):
            order = by_exchange_id.get(record.exchange_order_id)
            if order is not None:
                order_record_allotment(order_id=order.pk, record=record)
                counts["allotted"] += 1
    if any(o.kind in (OrderKind.REDEMPTION, OrderKind.SWITCH) for o in orders):
        for record in gateway.redemption_statement(query, call=call):
            order = by_exchange_id.get(record.exchange_order_id)
            if order is not None:
                order_record_allotment(order_id=order.pk, record=record)
                counts["redeemed"] += 1
    # orders the exchange dropped (invalid) or cancelled
    for record in gateway.order_status(query, call=call):
        order = by_exchange_id.get(record.exchange_order_id)
        if order is not None and record.status in ("INVALID", "CANCELLED"):
            order_record_exchange_status(order_id=order.pk, status=record.status, remarks=record.remarks)
            counts["dropped"] += 1


def open_counts() -> dict:
    return {
        "orders": Order.objects.filter(status__in=[OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING]).count(),
        "sips": SipStatus.ACTIVE,
        "mandates": MandateStatus.REGISTERED,
    }
