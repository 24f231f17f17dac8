"""A basket over loopback to the sandbox exchange: a confirmed basket whose tasks were lost does not sit
"Queued": the outbox sweeper (a beat job in every stack) sends each order once; one payment link pays both;
the status poller records the allotments."""

import uuid

import pytest
import requests
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.live


def test_lost_tasks_are_swept_then_one_payment_and_the_poller_allot_the_basket(
    sandbox_gateways, live_alpha, funds, investor, monkeypatch, settings
):
    from apps.orders.models import ExchangeAttempt, Order, OutboxMessage
    from apps.orders.services import outbox
    from apps.orders.services.outbox_runner import outbox_sweep
    from apps.orders.services.polling import orders_poll_open

    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    lines = [{"scheme": funds["equity"].amfi_code, "amount": "10000"}, {"scheme": funds["equity2"].amfi_code,
                                                                          "amount": "5000"}]  # fmt: skip
    placed = client.post("/api/v1/baskets", {"orders": lines}, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert placed.status_code == 201, placed.json()
    basket_id = placed.json()["id"]

    # given the broker loses the tasks sent when the basket is confirmed
    monkeypatch.setattr(outbox, "outbox_dispatch", lambda **kwargs: None)
    confirmed = client.post(f"/api/v1/baskets/{basket_id}/confirm", {"code": otp_code_sent_to(investor.mobile)},
                            format="json")  # fmt: skip
    assert confirmed.status_code == 200, confirmed.json()
    assert [o["status"] for o in confirmed.json()["orders"]] == ["queued", "queued"]
    monkeypatch.undo()

    # when the sweeper runs (every minute in every stack)
    with tenant_context(live_alpha):
        assert outbox_sweep() == 2
        orders = list(Order.objects.filter(basket__public_id=basket_id).order_by("id"))
        # then each order reached the exchange exactly once and waits for the payment
        assert [o.status for o in orders] == ["payment_pending", "payment_pending"]
        assert ExchangeAttempt.objects.filter(order__in=orders).count() == 2
        assert OutboxMessage.objects.filter(order__in=orders, status="done").count() == 2
        assert outbox_sweep() == 0

    # one payment link for both purchases, paid on the exchange's page
    link = client.post(f"/api/v1/baskets/{basket_id}/payment-link")
    assert link.status_code == 200, link.json()
    assert requests.post(link.json()["url"], timeout=5, allow_redirects=False).status_code == 302
    with tenant_context(live_alpha):
        orders_poll_open()
        statuses = [o.status for o in Order.objects.filter(basket__public_id=basket_id).order_by("id")]
        assert statuses == ["successful", "successful"]
    again = client.post(f"/api/v1/baskets/{basket_id}/payment-link")
    assert again.status_code == 409 and again.json()["code"] == "payment_not_expected"
