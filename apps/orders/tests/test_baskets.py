"""Baskets through the API: several orders, one code whose text names the count and the total, all or
nothing, exactly once; the code budget that sign-in codes cannot starve; isolation."""

import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.factories import SchemeFactory
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.django_db


def _client(investor, host="alpha.localhost") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(investor.user)
    return client


def _place(client, lines, key=None):
    return client.post(
        "/api/v1/baskets", {"orders": lines}, format="json", HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex
    )


def _messages_to(target: str) -> list:
    from apps.accounts.notifiers import LocmemNotifier

    return [m for m in LocmemNotifier.outbox if m.target == target.strip().lower()]


@pytest.fixture
def two_funds():
    return SchemeFactory(orderable=True), SchemeFactory(orderable=True)


def test_one_code_names_the_basket_and_confirms_every_order_once(
    tenant_alpha, alpha_investor, two_funds, django_capture_on_commit_callbacks
):
    from apps.core.models import AuditLog
    from apps.orders.models import Order, OrderBasket, OutboxMessage

    first, second = two_funds
    client = _client(alpha_investor)
    sent_before = len(_messages_to(alpha_investor.mobile))
    # when the investor splits ₹15,000 over two funds
    with django_capture_on_commit_callbacks(execute=True):
        response = _place(client, [{"scheme": first.amfi_code, "amount": "10000"},
                                   {"scheme": second.amfi_code, "amount": "5000"}])  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    # then one basket of two orders waits for one code, whose text names the count and the total
    assert body["status"] == "pending_otp" and body["total_amount"] == "15000.00"
    assert [o["scheme"]["amfi_code"] for o in body["orders"]] == [first.amfi_code, second.amfi_code]
    assert all(o["status"] == "pending_otp" and o["otp_challenge_id"] is None for o in body["orders"])
    assert body["challenge"]["channel"] == "sms"
    messages = _messages_to(alpha_investor.mobile)[sent_before:]
    assert len(messages) == 1
    assert "to confirm 2 purchases totalling ₹15,000." in messages[0].body
    code = otp_code_sent_to(alpha_investor.mobile)

    # an order of the basket cannot be confirmed on its own
    single = client.post(f"/api/v1/orders/{body['orders'][0]['id']}/confirm", {"code": code}, format="json")
    assert single.status_code == 409 and single.json()["code"] == "otp_basket"
    assert single.json()["extra"]["basket_id"] == body["id"]

    # when the investor enters the code
    confirmed = client.post(f"/api/v1/baskets/{body['id']}/confirm", {"code": code}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["challenge"] is None
    with tenant_context(tenant_alpha):
        basket = OrderBasket.objects.get(public_id=body["id"])
        orders = list(Order.objects.filter(basket=basket))
        # then both orders are queued, each with one outbox row and one audit row
        assert {o.status for o in orders} == {"queued"}
        assert OutboxMessage.objects.filter(order__in=orders, kind="order_submit").count() == 2
        audited = AuditLog.objects.filter(action="orders.order.confirmed", target_id__in=[o.pk for o in orders])
        assert audited.count() == 2 and all(a.extra == {"basket": basket.reference} for a in audited)
        assert AuditLog.objects.filter(action="orders.basket.confirmed", target_id=str(basket.pk)).count() == 1

    # a second confirmation is refused and sends nothing twice
    again = client.post(f"/api/v1/baskets/{body['id']}/confirm", {"code": code}, format="json")
    assert again.status_code == 409
    with tenant_context(tenant_alpha):
        assert OutboxMessage.objects.filter(order__basket__public_id=body["id"]).count() == 2


def test_one_bad_line_is_named_and_nothing_is_written(tenant_alpha, alpha_investor, two_funds):
    from apps.orders.models import IdempotencyRecord, Order, OrderBasket

    first, second = two_funds
    client = _client(alpha_investor)
    sent_before = len(_messages_to(alpha_investor.mobile))
    key = uuid.uuid4().hex

    below_minimum = _place(client, [{"scheme": first.amfi_code, "amount": "5000"},
                                    {"scheme": second.amfi_code, "amount": "1"}], key)  # fmt: skip
    assert below_minimum.status_code == 422, below_minimum.json()
    error = below_minimum.json()
    assert error["code"] == "basket_line_invalid" and error["extra"]["line"] == 2
    assert error["message"].startswith("Line 2: ") and error["extra"]["reason"] == "below_minimum"

    unknown = _place(client, [{"scheme": "000000", "amount": "5000"}])
    assert unknown.status_code == 422 and unknown.json()["extra"] == {
        "line": 1, "reason": "unknown_scheme", "field": "scheme"
    }  # fmt: skip
    malformed = _place(client, [{"scheme": first.amfi_code, "amount": "5000"}, {"amount": "lots"}])
    assert malformed.status_code == 422 and malformed.json()["extra"]["line"] == 2
    assert set(malformed.json()["extra"]["fields"]) == {"scheme", "amount"}
    duplicate = _place(client, [{"scheme": first.amfi_code, "amount": "5000"},
                                {"scheme": first.amfi_code, "amount": "6000"}])  # fmt: skip
    assert duplicate.status_code == 422 and duplicate.json()["extra"]["reason"] == "duplicate_line"
    empty = _place(client, [])
    assert empty.status_code == 422 and empty.json()["code"] == "basket_empty"

    with tenant_context(tenant_alpha):
        assert not OrderBasket.objects.filter(investor=alpha_investor).exists()
        assert not Order.objects.filter(investor=alpha_investor).exists()
        # the key is free again for the corrected request
        assert not IdempotencyRecord.objects.filter(investor=alpha_investor, key=key).exists()
    assert len(_messages_to(alpha_investor.mobile)) == sent_before
    fixed = _place(client, [{"scheme": first.amfi_code, "amount": "5000"},
                            {"scheme": second.amfi_code, "amount": "1000"}], key)  # fmt: skip
    assert fixed.status_code == 201


def test_the_same_key_answers_with_the_same_basket(tenant_alpha, alpha_investor, two_funds):
    from apps.orders.models import OrderBasket

    first, _ = two_funds
    client = _client(alpha_investor)
    lines, key = [{"scheme": first.amfi_code, "amount": "2500"}], uuid.uuid4().hex

    one, two = _place(client, lines, key), _place(client, lines, key)

    assert one.status_code == two.status_code == 201
    assert two.headers["Idempotent-Replayed"] == "true" and one.json()["id"] == two.json()["id"]
    with tenant_context(tenant_alpha):
        assert OrderBasket.objects.filter(investor=alpha_investor).count() == 1


def test_someone_elses_basket_is_not_found(tenant_alpha, alpha_investor, alpha_investor_2, beta_investor, two_funds):
    first, _ = two_funds
    basket = _place(_client(alpha_investor), [{"scheme": first.amfi_code, "amount": "2500"}]).json()

    for client in (_client(alpha_investor_2), _client(beta_investor, host="beta.localhost")):
        for path in ("", "/confirm", "/otp", "/cancel", "/payment-link"):
            url = f"/api/v1/baskets/{basket['id']}{path}"
            response = client.get(url) if not path else client.post(url, {"code": "123456"}, format="json")
            assert response.status_code == 404, (url, response.content[:200])
            assert response.json()["code"] == "not_found"


def test_cancelling_a_basket_cancels_its_waiting_orders(tenant_alpha, alpha_investor, two_funds):
    from apps.orders.models import Order

    first, second = two_funds
    client = _client(alpha_investor)
    body = _place(client, [{"scheme": first.amfi_code, "amount": "2500"},
                           {"scheme": second.amfi_code, "amount": "2500"}]).json()  # fmt: skip

    cancelled = client.post(f"/api/v1/baskets/{body['id']}/cancel")

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert {o["status"] for o in cancelled.json()["orders"]} == {"cancelled"}
    with tenant_context(tenant_alpha):
        assert set(Order.objects.filter(basket__public_id=body["id"]).values_list("status", flat=True)) == {"cancelled"}
    refused = client.post(f"/api/v1/baskets/{body['id']}/confirm", {"code": "123456"}, format="json")
    assert refused.status_code == 409


def test_sign_in_codes_cannot_starve_the_basket_code_and_a_refusal_says_when(
    tenant_alpha, alpha_investor, two_funds, django_capture_on_commit_callbacks
):
    from apps.accounts.otp import OtpRateLimited, otp_issue
    from apps.orders.models import OrderBasket

    first, _ = two_funds
    mobile = alpha_investor.mobile
    # anyone who knows the number asks for sign-in codes until they are refused
    with tenant_context(tenant_alpha), pytest.raises(OtpRateLimited):
        for _ in range(10):
            otp_issue(purpose="login", channel="sms", target=mobile)
    client = _client(alpha_investor)
    sent_before = len(_messages_to(mobile))

    # the investor's basket still gets its code
    with django_capture_on_commit_callbacks(execute=True):
        placed = _place(client, [{"scheme": first.amfi_code, "amount": "2500"}])
    assert placed.status_code == 201, placed.json()
    assert len(_messages_to(mobile)) == sent_before + 1

    # until the investor's own transaction codes are spent: then a refusal that says when to try again
    for _ in range(10):
        resent = client.post(f"/api/v1/baskets/{placed.json()['id']}/otp")
        if resent.status_code != 200:
            break
    assert resent.status_code == 429, resent.json()
    assert resent.json()["code"] == "otp_rate_limited"
    assert 0 < resent.json()["extra"]["retry_after"] <= 600
    assert resent.headers["Retry-After"] == str(resent.json()["extra"]["retry_after"])
    assert "Try again in" in resent.json()["message"]
    # and a new basket refused for the same reason writes nothing
    refused = _place(client, [{"scheme": first.amfi_code, "amount": "3000"}])
    assert refused.status_code == 429
    with tenant_context(tenant_alpha):
        assert OrderBasket.objects.filter(investor=alpha_investor).count() == 1


def test_the_basket_text_counts_kinds_and_totals_amounts():
    from apps.orders.models import Order, SipRegistration
    from apps.orders.services.confirmation import basket_otp_text

    items = [
        Order(kind="purchase", amount=Decimal("10000")),
        Order(kind="purchase", amount=Decimal("250000.50")),
        Order(kind="redemption", units=Decimal("10")),
        SipRegistration(amount=Decimal("2000")),
    ]
    assert basket_otp_text(items=items) == (
        "to confirm 2 purchases, 1 redemption and 1 SIP totalling ₹2,62,000.50"
    )  # fmt: skip
    assert basket_otp_text(items=items[2:3]) == "to confirm 1 redemption"


def test_the_schema_documents_the_basket_operations_and_their_errors(alpha_api):
    schema = alpha_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    place = schema["paths"]["/api/v1/baskets"]["post"]
    assert place["operationId"] == "baskets_place"
    assert {"201", "409", "422", "429"} <= set(place["responses"])
    assert "extra.line" in place["responses"]["422"]["description"]
    assert "retry_after" in place["responses"]["429"]["description"]
    error = {"$ref": "#/components/schemas/Error"}
    assert place["responses"]["422"]["content"]["application/json"]["schema"] == error
    assert any(p["name"] == "Idempotency-Key" for p in place["parameters"])
    for path in ("confirm", "otp", "cancel", "payment-link"):
        assert "post" in schema["paths"][f"/api/v1/baskets/{{basket_id}}/{path}"]
    assert "get" in schema["paths"]["/api/v1/baskets/{basket_id}"]


def test_a_sip_registration_in_the_basket_is_confirmed_by_the_same_code(
    tenant_alpha, alpha_investor, two_funds, django_capture_on_commit_callbacks
):
    from apps.orders.models import Order, OrderBasket, OutboxMessage, SipRegistration
    from apps.orders.services.confirmation import otp_resend
    from tests.factories import make_sip

    first, second = two_funds
    client = _client(alpha_investor)
    body = _place(client, [{"scheme": first.amfi_code, "amount": "5000"}]).json()
    with tenant_context(tenant_alpha):
        basket = OrderBasket.objects.get(public_id=body["id"])
    # a SIP registration joins the basket (H7's SIP pages create it with basket=...)
    sip = make_sip(tenant_alpha, alpha_investor, second, basket=basket, status="pending_otp", amount=Decimal("2000"))
    with tenant_context(tenant_alpha), django_capture_on_commit_callbacks(execute=True):
        otp_resend(target=basket)  # the new code's text names both
    texts = _messages_to(alpha_investor.mobile)
    assert "to confirm 1 purchase and 1 SIP totalling ₹7,000" in texts[-1].body

    confirmed = client.post(f"/api/v1/baskets/{body['id']}/confirm",
                            {"code": otp_code_sent_to(alpha_investor.mobile)}, format="json")  # fmt: skip

    assert confirmed.status_code == 200, confirmed.json()
    with tenant_context(tenant_alpha):
        assert SipRegistration.objects.get(pk=sip.pk).status == "queued"
        assert Order.objects.get(basket=basket).status == "queued"
        assert OutboxMessage.objects.filter(sip=sip, kind="sip_register").count() == 1
