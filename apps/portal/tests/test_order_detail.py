"""The portal's order page: the order's story for staff (with every exchange call), linked from the lists,
kept to the staff member's book and tenant; acting on it needs the role that places orders."""

from datetime import datetime

import pytest
from django_tenants.utils import tenant_context

from apps.core.timezones import IST
from tests.factories import SchemeFactory, make_investor, make_order, make_staff, unique

pytestmark = pytest.mark.django_db


def _submitted_order(tenant, investor):
    from apps.orders import states
    from apps.orders.models import ExchangeAttempt, GatewayCall, Order

    order = make_order(tenant, investor, SchemeFactory(orderable=True, name=unique("Portal Story Fund")),
                       placed_at=datetime(2026, 11, 27, 10, 5, tzinfo=IST))  # fmt: skip
    with tenant_context(tenant):
        order = Order.objects.get(pk=order.pk)
        states.order_transition(order=order, to="queued", message="OTP verified")
        ExchangeAttempt.objects.create(order=order, gateway="bse_starmf", operation="purchase",
                                       trans_no=f"2026112710234{order.pk:06d}")  # fmt: skip
        states.order_transition(order=order, to="submitted", message="attempt at bse_starmf")
        GatewayCall.objects.create(order=order, gateway="bse_starmf", operation="MFOrder.orderEntryParam",
                                   outcome="unknown", latency_ms=2000,
                                   error_code="timeout")  # fmt: skip
    return order


def test_staff_follow_an_order_from_the_list_to_its_page(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="operations")
    investor = make_investor(tenant_alpha, ready_to_invest=True, full_name=unique("Followed Investor"))
    order = _submitted_order(tenant_alpha, investor)

    listing = client.get("/portal/orders/").content.decode()
    assert f'href="/portal/orders/{order.public_id}/"' in listing and order.client_ref in listing
    overview = client.get(f"/portal/investors/{investor.public_id}/").content.decode()
    assert f'href="/portal/orders/{order.public_id}/"' in overview

    page = client.get(f"/portal/orders/{order.public_id}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert order.client_ref in html and investor.full_name in html
    assert "Sent to the exchange; waiting for its answer." in html
    titles = [e.title for e in page.context["timeline"]]
    assert titles == ["Queued", "Sent to BSE StAR MF", "Sent to the exchange", "Call MFOrder.orderEntryParam"]
    assert "Outcome unknown in 2000 ms, timeout" in html
    assert all(e.at.tzinfo is not None and e.at.utcoffset().total_seconds() == 19800 for e in page.context["timeline"])
    assert "can be cancelled once the exchange has accepted it" in html


def test_acting_on_an_order_needs_the_role_that_places_orders(staff_client, tenant_alpha):
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    order = make_order(tenant_alpha, investor, SchemeFactory(orderable=True))
    read_only = staff_client(tenant_alpha, role="read_only")
    page = read_only.get(f"/portal/orders/{order.public_id}/")
    assert page.status_code == 200 and "Cancel the order" not in page.content.decode()
    assert read_only.post(f"/portal/orders/{order.public_id}/", {"action": "cancel"}).status_code == 403

    owner = staff_client(tenant_alpha, role="owner")
    assert "Send the investor a new code" in owner.get(f"/portal/orders/{order.public_id}/").content.decode()
    cancelled = owner.post(f"/portal/orders/{order.public_id}/", {"action": "cancel"})

    assert cancelled.status_code == 302
    with tenant_context(tenant_alpha):
        assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_another_book_or_distributor_gets_404(staff_client, tenant_alpha, tenant_beta):
    rm = staff_client(tenant_alpha, role="rm")
    other_rm = make_staff(tenant_alpha, role="rm")
    theirs = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=other_rm)
    order = make_order(tenant_alpha, theirs, SchemeFactory(orderable=True))
    beta_owner = staff_client(tenant_beta, role="owner")

    for client in (rm, beta_owner):
        assert client.get(f"/portal/orders/{order.public_id}/").status_code == 404
        assert client.post(f"/portal/orders/{order.public_id}/", {"action": "cancel"}).status_code == 404
