"""The investor's orders on the web: the list, placing an order through the orders service (one order per
form, however often it is sent), the OTP step, and isolation from other investors and from staff."""

import re
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.core.timezones import IST
from tests.factories import SchemeFactory, make_investor, make_order, make_staff

pytestmark = pytest.mark.django_db

BACKEND = "apps.accounts.backends.EmailOrMobileBackend"


def signed_in(tenant, user) -> Client:
    client = Client(HTTP_HOST=tenant.domains.get(is_primary=True).domain)
    with tenant_context(tenant):  # the user row (last_login) lives in the tenant's schema
        client.force_login(user, backend=BACKEND)
    return client


def otp_sent_to(target: str) -> str:
    from apps.accounts.notifiers import LocmemNotifier

    for message in reversed(LocmemNotifier.outbox):
        if message.target == target.strip().lower():
            return re.search(r"\b(\d{6})\b", message.body).group(1)
    raise AssertionError(f"no OTP sent to {target}")


def purchase(scheme, amount="1500", key=None) -> dict:
    return {"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": amount, "request_key": key or uuid.uuid4()}


def test_orders_page_lists_only_my_orders_newest_first(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    someone_else = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True, name="Web Listed Growth Fund")
    placed = datetime(2026, 1, 5, 11, tzinfo=IST)
    old = make_order(tenant_alpha, investor, scheme, status="successful", placed_at=placed)
    new = make_order(tenant_alpha, investor, scheme, kind="redemption", placed_at=datetime(2026, 2, 5, 11, tzinfo=IST))
    theirs = make_order(tenant_alpha, someone_else, scheme)

    page = signed_in(tenant_alpha, investor.user).get("/web/orders/")

    assert page.status_code == 200
    assert [o.pk for o in page.context["page"]] == [new.pk, old.pk]
    html = page.content.decode()
    assert "Web Listed Growth Fund" in html and "Waiting for your OTP" in html
    assert f"/web/orders/{new.public_id}/confirm/" in html
    assert str(theirs.public_id) not in html
    assert 'href="/web/orders/"' in html  # the navigation links the page


def test_investor_places_a_purchase_and_confirms_it_with_the_otp(tenant_alpha, django_capture_on_commit_callbacks):
    from apps.orders.models import ExchangeAttempt, Order, OutboxMessage

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)

    form = client.get("/web/orders/new/")
    assert form.status_code == 200 and b'name="request_key"' in form.content
    with django_capture_on_commit_callbacks(execute=True):  # the OTP goes out after commit
        response = client.post("/web/orders/new/", purchase(scheme, "1500"))

    with tenant_context(tenant_alpha):
        order = Order.objects.get(investor=investor)
        assert order.status == "pending_otp" and order.placed_by_id is None
        assert order.amount == Decimal("1500.00") and order.scheme_id == scheme.pk
        assert not OutboxMessage.objects.filter(order=order).exists()
    assert response.status_code == 302
    assert response["Location"] == f"/web/orders/{order.public_id}/confirm/"
    confirm_url = response["Location"]
    assert b"Confirm the order" in client.get(confirm_url).content

    code = otp_sent_to(investor.mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post(confirm_url, {"code": wrong})
    assert refused.status_code == 400 and b"The code is not right" in refused.content
    with tenant_context(tenant_alpha):
        order.refresh_from_db()
        assert order.status == "pending_otp"

    confirmed = client.post(confirm_url, {"code": code})
    assert confirmed.status_code == 302 and confirmed["Location"] == confirm_url
    with tenant_context(tenant_alpha):
        order.refresh_from_db()
        # queued for the exchange through the outbox; no gateway call happens inside the request
        assert order.status == "queued"
        assert OutboxMessage.objects.filter(order=order).count() == 1
        assert not ExchangeAttempt.objects.filter(order=order).exists()
    page = client.get(confirm_url)
    assert b"Confirm the order" not in page.content and b"Queued" in page.content
    # a second confirmation is refused and changes nothing
    again = client.post(confirm_url, {"code": code})
    assert again.status_code == 409
    with tenant_context(tenant_alpha):
        assert OutboxMessage.objects.filter(order=order).count() == 1


def test_a_form_sent_twice_writes_one_order(tenant_alpha):
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)
    data = purchase(scheme, "2000")

    first = client.post("/web/orders/new/", data)
    second = client.post("/web/orders/new/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with tenant_context(tenant_alpha):
        assert Order.objects.filter(investor=investor).count() == 1
    # the same form sent back with other values is refused, not turned into a second order
    changed = client.post("/web/orders/new/", data | {"amount": "3000"})
    assert changed.status_code == 400 and b"Open a new order form" in changed.content
    # a new form (a new key) is a new order
    assert client.post("/web/orders/new/", purchase(scheme, "2000")).status_code == 302
    with tenant_context(tenant_alpha):
        assert Order.objects.filter(investor=investor).count() == 2


def test_refusals_show_on_the_form_and_write_nothing(tenant_alpha):
    from apps.orders.models import IdempotencyRecord, Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True, min_purchase=Decimal("5000"))
    client = signed_in(tenant_alpha, investor.user)
    key = uuid.uuid4()

    below = client.post("/web/orders/new/", purchase(scheme, "100", key))
    assert below.status_code == 400 and "at least ₹5,000" in below.content.decode()
    unknown = client.post("/web/orders/new/", {**purchase(scheme, "6000"), "amfi_code": "999999999999"})
    assert unknown.status_code == 400 and b"No fund with AMFI code" in unknown.content
    no_units = client.post(
        "/web/orders/new/",
        {"kind": "redemption", "amfi_code": scheme.amfi_code, "folio_number": "F1", "request_key": uuid.uuid4()},
    )
    assert no_units.status_code == 400 and b"A redemption needs the number of units" in no_units.content
    not_held = client.post(
        "/web/orders/new/",
        {"kind": "redemption", "amfi_code": scheme.amfi_code, "units": "5", "folio_number": "F1",
         "request_key": uuid.uuid4()},
    )  # fmt: skip
    assert not_held.status_code == 400
    with tenant_context(tenant_alpha):
        assert not Order.objects.filter(investor=investor).exists()
        assert not IdempotencyRecord.objects.filter(investor=investor).exists()
    # the refused form's key is free again: corrected, the same form goes through
    assert client.post("/web/orders/new/", purchase(scheme, "6000", key)).status_code == 302

    pending = make_investor(tenant_alpha, kyc_status="pending")
    kyc = signed_in(tenant_alpha, pending.user).post(
        "/web/orders/new/", purchase(SchemeFactory(orderable=True), "1000")
    )
    assert kyc.status_code == 400 and b"KYC is not verified" in kyc.content
    with tenant_context(tenant_alpha):
        assert not Order.objects.filter(investor=pending).exists()


def test_another_investors_order_is_404(tenant_alpha, tenant_beta):
    mine = make_investor(tenant_alpha, ready_to_invest=True)
    theirs = make_investor(tenant_alpha, ready_to_invest=True)
    order = make_order(tenant_alpha, theirs, SchemeFactory(orderable=True))
    url = f"/web/orders/{order.public_id}/confirm/"
    client = signed_in(tenant_alpha, mine.user)

    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "123456"}).status_code == 404
    assert client.post(url, {"action": "resend"}).status_code == 404
    with tenant_context(tenant_alpha):
        order.refresh_from_db()
        assert order.status == "pending_otp"
    # the same id on another distributor's host is nobody's order there
    beta_investor = make_investor(tenant_beta, ready_to_invest=True)
    beta = signed_in(tenant_beta, beta_investor.user)
    assert beta.get(url).status_code == 404


def test_staff_and_anonymous_users_do_not_reach_the_order_pages(tenant_alpha):
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    order = make_order(tenant_alpha, investor, scheme)
    member = make_staff(tenant_alpha, role="owner")
    staff = signed_in(tenant_alpha, member.user)
    urls = ["/web/orders/", "/web/orders/new/", f"/web/orders/{order.public_id}/confirm/"]

    for url in urls:
        assert staff.get(url).status_code == 404
    assert staff.post("/web/orders/new/", purchase(scheme)).status_code == 404
    assert staff.post(urls[2], {"code": "123456"}).status_code == 404

    anonymous = Client(HTTP_HOST="alpha.localhost")
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert anonymous.post("/web/orders/new/", purchase(scheme)).status_code == 302
    with tenant_context(tenant_alpha):
        assert Order.objects.filter(investor=investor).count() == 1


def test_order_staff_placed_on_behalf_is_confirmed_by_the_investor_with_a_new_code(
    tenant_alpha, staff_client, django_capture_on_commit_callbacks
):
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    staff = staff_client(tenant_alpha, role="owner")
    with django_capture_on_commit_callbacks(execute=True):
        placed = staff.post(
            f"/portal/investors/{investor.public_id}/orders/new/",
            purchase(scheme, "2500"),
        )
    assert placed.status_code == 302
    with tenant_context(tenant_alpha):
        order = Order.objects.get(investor=investor)
    first_code = otp_sent_to(investor.mobile)
    client = signed_in(tenant_alpha, investor.user)
    confirm_url = f"/web/orders/{order.public_id}/confirm/"
    assert confirm_url in client.get("/web/orders/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(confirm_url, {"action": "resend"})
    assert resent.status_code == 200 and b"We have sent you a new code" in resent.content
    new_code = otp_sent_to(investor.mobile)
    with tenant_context(tenant_alpha):
        order.refresh_from_db()
        assert order.status == "pending_otp"
    if new_code != first_code:
        # the order now answers to its new challenge only
        assert client.post(confirm_url, {"code": first_code}).status_code == 400
    assert client.post(confirm_url, {"code": new_code}).status_code == 302
    with tenant_context(tenant_alpha):
        order.refresh_from_db()
        assert order.status == "queued"
