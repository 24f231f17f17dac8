"""The investor's basket on the web (several funds, one code) and the order's own page (reference, state
in words, timeline in IST, expected NAV date, cancel, resend), with isolation from other investors."""

import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from apps.core.timezones import IST
from apps.web.tests.test_orders import otp_sent_to, signed_in
from tests.factories import SchemeFactory, make_investor, make_order

pytestmark = pytest.mark.django_db


def basket_form(*rows, key=None, total=3) -> dict:
    data = {"request_key": str(key or uuid.uuid4()), "lines-TOTAL_FORMS": str(total), "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "10", "action": "place"}  # fmt: skip
    for i, (code, amount) in enumerate(rows):
        data[f"lines-{i}-amfi_code"], data[f"lines-{i}-amount"] = code, amount
    return data


def test_investor_splits_a_lumpsum_over_two_funds_and_confirms_with_one_code(
    tenant_alpha, django_capture_on_commit_callbacks
):
    from apps.accounts.notifiers import LocmemNotifier
    from apps.orders.models import Order, OrderBasket, OutboxMessage

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    first, second = SchemeFactory(orderable=True), SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)
    assert b"Invest in several funds" in client.get("/web/orders/").content
    for scheme in (first, second):  # "Add to basket" on each fund's page
        assert client.post("/web/orders/basket/", {"add_fund": scheme.amfi_code})["Location"] == "/web/orders/basket/"
    page = client.get("/web/orders/basket/")
    assert page.status_code == 200 and first.name in page.content.decode() and second.name in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/web/orders/basket/", basket_form((first.amfi_code, "10000"),
                                                                   (second.amfi_code, "5000")))  # fmt: skip

    with tenant_context(tenant_alpha):
        basket = OrderBasket.objects.get(investor=investor)
        assert Order.objects.filter(basket=basket, status="pending_otp").count() == 2
    assert response.status_code == 302 and response["Location"] == f"/web/orders/baskets/{basket.public_id}/"
    texts = [m.body for m in LocmemNotifier.outbox if m.target == investor.mobile.lower()]
    assert "to confirm 2 purchases totalling ₹15,000" in texts[-1]
    page = client.get(response["Location"]).content.decode()
    assert "2 orders · ₹15,000.00" in page and "Confirm 2 orders" in page

    refused = client.post(response["Location"], {"action": "confirm", "code": "12"})
    assert refused.status_code == 400 and "Enter the 6-digit code" in refused.content.decode()
    confirmed = client.post(response["Location"], {"action": "confirm", "code": otp_sent_to(investor.mobile)})
    assert confirmed.status_code == 302
    with tenant_context(tenant_alpha):
        assert set(Order.objects.filter(basket=basket).values_list("status", flat=True)) == {"queued"}
        assert OutboxMessage.objects.filter(order__basket=basket).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Confirmed" in page and "It is on its way to the exchange." in page
    assert "No funds chosen yet" in client.get("/web/orders/basket/").content.decode()  # the draft is spent


def test_a_refused_row_shows_its_reason_beside_it_and_nothing_is_written(tenant_alpha):
    from apps.orders.models import Order, OrderBasket

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    first, dear = SchemeFactory(orderable=True), SchemeFactory(orderable=True, min_purchase=Decimal("5000"))
    client = signed_in(tenant_alpha, investor.user)

    response = client.post("/web/orders/basket/", basket_form((first.amfi_code, "2000"), (dear.amfi_code, "100")))

    assert response.status_code == 422
    rows = response.context["formset"].forms
    assert not rows[0].errors and "at least ₹" in rows[1].errors["amount"][0]
    assert 'id="id_lines-1-amount_error"' in response.content.decode()
    unknown = client.post("/web/orders/basket/", basket_form(("999999999", "2000")))
    assert unknown.status_code == 422
    assert unknown.context["formset"].forms[0].errors["amfi_code"] == ["No fund has this AMFI code."]
    empty = client.post("/web/orders/basket/", basket_form())
    assert empty.status_code == 400 and "Add at least one fund" in empty.content.decode()
    with tenant_context(tenant_alpha):
        assert not OrderBasket.objects.filter(investor=investor).exists()
        assert not Order.objects.filter(investor=investor).exists()


def test_the_order_page_tells_the_story_in_words_and_ist(tenant_alpha):
    from apps.orders import states
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True, name="Story Flexi Cap Fund")
    order = make_order(tenant_alpha, investor, scheme, placed_at=datetime(2026, 11, 27, 14, 10, tzinfo=IST))
    with tenant_context(tenant_alpha):
        order = Order.objects.get(pk=order.pk)
        states.order_transition(order=order, to="queued", message="OTP verified")
        states.order_transition(order=order, to="submitted", message="attempt at bse_starmf")
    client = signed_in(tenant_alpha, investor.user)

    page = client.get(f"/web/orders/{order.public_id}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert order.client_ref in html and "Story Flexi Cap Fund" in html
    assert "Sent to the exchange; waiting for its answer." in html
    assert [e.title for e in page.context["timeline"]] == ["Queued", "Sent to the exchange"]
    assert all(e.at.utcoffset().total_seconds() == 19800 for e in page.context["timeline"])
    assert " IST" in html and "(expected)" in html and "3:00 pm IST" in html
    # with the exchange: no cancel button, and the page says why
    assert not page.context["steps"].can_cancel
    assert "can be cancelled once the exchange has accepted it" in html
    assert "/web/orders/" in client.get("/web/orders/").content.decode()
    assert f'href="/web/orders/{order.public_id}/"' in client.get("/web/orders/").content.decode()


def test_an_order_waiting_for_its_code_can_be_cancelled_from_its_page(tenant_alpha):
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    order = make_order(tenant_alpha, investor, SchemeFactory(orderable=True))
    client = signed_in(tenant_alpha, investor.user)
    assert "Cancel the order" in client.get(f"/web/orders/{order.public_id}/").content.decode()

    response = client.post(f"/web/orders/{order.public_id}/", {"action": "cancel"})

    assert response.status_code == 200 and "The order is cancelled." in response.content.decode()
    with tenant_context(tenant_alpha):
        assert Order.objects.get(pk=order.pk).status == "cancelled"
    again = client.post(f"/web/orders/{order.public_id}/", {"action": "cancel"})
    assert again.status_code == 409 and "can no longer be cancelled" in again.content.decode()


def test_too_many_codes_says_when_to_try_again_in_words(tenant_alpha, django_capture_on_commit_callbacks):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    first = SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post("/web/orders/basket/", basket_form((first.amfi_code, "2000")))["Location"]

    for _ in range(10):
        response = client.post(url, {"action": "resend"})
        if response.status_code != 200:
            break

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many codes sent to this address. Try again in " in html and "minute" in html


def test_someone_elses_basket_and_order_pages_are_not_found(tenant_alpha):
    investor, other = make_investor(tenant_alpha, ready_to_invest=True), make_investor(tenant_alpha)
    first = SchemeFactory(orderable=True)
    mine = signed_in(tenant_alpha, investor.user)
    url = mine.post("/web/orders/basket/", basket_form((first.amfi_code, "2000")))["Location"]
    order = make_order(tenant_alpha, investor, first)
    theirs = signed_in(tenant_alpha, other.user)

    for path in (url, f"/web/orders/{order.public_id}/"):
        assert theirs.get(path).status_code == 404
        assert theirs.post(path, {"action": "cancel"}).status_code == 404
