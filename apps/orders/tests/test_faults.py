"""Exactly once under faults: 210 orders against the sandbox, a sixth of them hit by each fault (timeout
before and after the exchange recorded the order, reply lost, HTTP 500, SOAP fault, the exchange's own
error reply). After the sweep: no order twice at the exchange, none without a known state."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django_tenants.utils import tenant_context

from tests.factories import make_investor

pytestmark = pytest.mark.live

FAULTS = ["timeout_before", "timeout_after", "reply_lost", "http_500", "soap_fault", "error_reply", None]


def test_200_orders_under_faults_reach_the_exchange_exactly_once(
    sandbox_gateways, settings, live_alpha, funds, monkeypatch
):
    from apps.orders.models import ExchangeAttempt, Order, OutboxMessage
    from apps.orders.services import outbox, outbox_runner
    from apps.orders.services.orders import order_create_confirmed
    from apps.sandbox.faults import fault_plan
    from apps.sandbox.models import BseOrder

    settings.ORDER_GATEWAYS["bse_starmf"]["TIMEOUT"] = 1.0
    # the outbox is driven by this test (worker threads, then the sweeper) instead of Celery
    monkeypatch.setattr(outbox, "outbox_dispatch", lambda **kwargs: None)
    investors = [make_investor(live_alpha, ready_to_invest=True) for _ in range(5)]
    with tenant_context(live_alpha):
        orders = [
            order_create_confirmed(
                investor=investors[i % 5], scheme=funds["equity"], amount=Decimal(1000 + i), source="test"
            )  # fmt: skip
            for i in range(210)
        ]
    for i, order in enumerate(orders):
        kind = FAULTS[i % len(FAULTS)]
        if kind:
            delay = 1600 if kind.startswith("timeout") else 0
            fault_plan(target="bse", operation="orderEntryParam", kind=kind, match=order.client_ref, delay_ms=delay)
    with tenant_context(live_alpha):
        message_ids = list(OutboxMessage.objects.filter(order__in=orders).values_list("pk", flat=True))
    assert len(message_ids) == 210

    def work(message_id):
        try:
            with tenant_context(live_alpha):
                return outbox_runner.outbox_process(message_id=message_id)
        finally:
            connection.close()

    # when four workers submit them concurrently
    with ThreadPoolExecutor(max_workers=4) as pool:
        first_pass = list(pool.map(work, message_ids))
    assert first_pass.count("done") >= 30  # the clean ones went straight through
    # and the sweeper runs until nothing is due
    with tenant_context(live_alpha):
        outbox_runner.outbox_drain(rounds=10)
        statuses = dict(
            Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status").annotate(n=Count("id"))
        )
        unknown_attempts = ExchangeAttempt.objects.filter(order__in=orders, outcome__in=["pending", "unknown"]).count()
        found = ExchangeAttempt.objects.filter(order__in=orders, outcome="found").count()
        absent = ExchangeAttempt.objects.filter(order__in=orders, outcome="absent").count()
        refs = [o.client_ref for o in orders]
    # then every order has a known state: accepted by the exchange and waiting for its payment
    assert statuses == {"payment_pending": 210}, statuses
    assert unknown_attempts == 0
    # the lost answers were settled by status queries, some found, some absent and sent again
    assert found >= 30 and absent >= 60, (found, absent)
    # and the exchange holds each order exactly once
    at_exchange = BseOrder.objects.filter(ref_no__in=refs)
    per_ref = at_exchange.values("ref_no").annotate(n=Count("id"))
    assert at_exchange.count() == 210
    assert [row for row in per_ref if row["n"] != 1] == []
    with tenant_context(live_alpha):
        ours = dict(Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("client_ref", "exchange_order_id"))
    assert ours == dict(at_exchange.values_list("ref_no", "order_number"))
    assert threading.active_count() < 50
    # the session's data is shared: close these orders so later pollers do not walk them
    from apps.orders.services.orders import order_fail

    with tenant_context(live_alpha):
        for order in orders:
            order_fail(order_id=order.pk, code="test_cleanup", reason="fault test over")
