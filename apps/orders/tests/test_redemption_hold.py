"""A redemption paid to a bank account added or made primary in the last 24 hours waits for staff: it is
recorded with its reason (shown to the investor), stays queued after the OTP instead of going to the
exchange, and goes on once operations staff release it in the portal. Over loopback to the sandbox."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.clients import staff_api
from tests.factories import make_staff
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.live


def _api(investor) -> APIClient:
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


def _units_in_folio(investor, scheme) -> None:
    from apps.portfolio.services import transaction_record

    transaction_record(
        investor=investor, scheme=scheme, folio_number="F1", kind="purchase",
        trade_date=scheme.created_at.date() - timedelta(days=4 * 365), amount=Decimal("10000"),
        units=Decimal("400"), nav=Decimal("25"), source="cas", source_ref=f"seed-{uuid.uuid4().hex}",
    )  # fmt: skip


def _redeem(client, scheme):
    return client.post(
        "/api/v1/orders",
        {"kind": "redemption", "scheme": scheme.amfi_code, "units": "10", "folio_number": "F1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )


def test_a_redemption_to_a_new_payout_account_waits_for_staff(sandbox_gateways, live_alpha, funds, investor):
    from apps.orders.models import GatewayCall, Order
    from apps.orders.services.outbox_runner import outbox_drain
    from apps.orders.services.polling import orders_poll_open

    with tenant_context(live_alpha):
        _units_in_folio(investor, funds["equity"])
        # given the payout account became primary an hour ago
        investor.bank_accounts.update(primary_since=timezone.now() - timedelta(hours=1))
    client = _api(investor)

    # when the investor redeems and confirms with the code
    placed = _redeem(client, funds["equity"])
    assert placed.status_code == 201, placed.json()
    assert placed.json()["held_for_review"] is True
    assert "less than 24 hours ago" in placed.json()["hold_reason"]
    client.post(f"/api/v1/orders/{placed.json()['id']}/confirm", {"code": otp_code_sent_to(investor.mobile)},
                format="json")  # fmt: skip
    with tenant_context(live_alpha):
        outbox_drain()
        order = Order.objects.get(public_id=placed.json()["id"])
        # then it waits: queued, nothing sent to any exchange
        assert order.status == "queued" and order.is_held
        assert not GatewayCall.objects.filter(order_id=order.pk).exists()

    # staff see it among the orders that need a person; a relationship manager cannot release it
    operations = staff_api(make_staff(live_alpha, role="operations"))
    console = operations.get("/portal/operations/")
    assert order.client_ref in console.content.decode() and "Held for review" in console.content.decode()
    rm = staff_api(make_staff(live_alpha, role="rm"))
    act = f"/portal/operations/orders/{order.public_id}/act/"
    assert rm.post(act, {"action": "release"}).status_code in (403, 404)
    with tenant_context(live_alpha):
        assert Order.objects.get(pk=order.pk).is_held

    # when operations release it, it goes on to the exchange
    released = operations.post(act, {"action": "release", "note": "Called the investor"})
    assert released.status_code == 302
    with tenant_context(live_alpha):
        outbox_drain()
        orders_poll_open()
        order.refresh_from_db()
        assert not order.is_held and order.hold_released_by is not None
        assert order.status == "successful", list(order.events.values_list("message", flat=True))
        assert order.events.filter(kind="hold_released").exists()
    assert client.get(f"/api/v1/orders/{order.public_id}").json()["held_for_review"] is False


def test_a_redemption_to_a_payout_account_older_than_a_day_is_not_held(sandbox_gateways, live_alpha, funds, investor):
    with tenant_context(live_alpha):
        _units_in_folio(investor, funds["equity"])
        investor.bank_accounts.update(primary_since=timezone.now() - timedelta(hours=25))

    placed = _redeem(_api(investor), funds["equity"])

    assert placed.status_code == 201 and placed.json()["held_for_review"] is False
    assert placed.json()["hold_reason"] == ""
