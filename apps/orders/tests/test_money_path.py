"""End to end over loopback: API -> OTP -> outbox -> BSE client (zeep on BSE's real MFOrder WSDL) ->
sandbox -> status poll -> payment -> allotment -> ledger and notification."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.factories import make_investor
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.live


def api_for(investor):
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


def place(client, body, key=None):
    return client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex)


def test_purchase_from_api_to_allotment_and_ledger(sandbox_gateways, live_alpha, funds, investor):
    from apps.notifications.models import Notification
    from apps.orders.models import GatewayCall, Order
    from apps.orders.services.polling import orders_poll_open
    from apps.portfolio.models import Transaction
    from apps.sandbox.models import BseOrder

    client = api_for(investor)
    # when the investor places a purchase
    response = place(client, {"kind": "purchase", "scheme": funds["equity"].amfi_code, "amount": "5000.00"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_otp"
    # and confirms it with the OTP sent to their mobile
    code = otp_code_sent_to(investor.mobile)
    response = client.post(f"/api/v1/orders/{body['id']}/confirm", {"code": code}, format="json")
    assert response.status_code == 200, response.json()
    # then the outbox task submitted it to the sandbox exchange: accepted, waiting for payment
    with tenant_context(live_alpha):
        order = Order.objects.get(public_id=body["id"])
        assert order.status == "payment_pending", list(order.events.values_list("message", flat=True))
        attempt = order.attempts.get()
        assert len(attempt.trans_no) == 19 and attempt.trans_no[8:13] == "10234"
        calls = set(GatewayCall.objects.filter(order=order).values_list("operation", flat=True))
        assert {"MFOrder.orderEntryParam", "StarMFWebService.MFAPI.02", "StarMFWebService.MFAPI.01"} <= calls
        assert all("sandbox-only" not in str(c.request) for c in GatewayCall.objects.all())
    recorded = BseOrder.objects.get(ref_no=order.client_ref)
    assert recorded.order_number == order.exchange_order_id
    assert recorded.amount == Decimal("5000.00")

    # when the investor pays through the exchange's payment link
    response = client.post(f"/api/v1/orders/{body['id']}/payment-link")
    assert response.status_code == 200, response.json()
    # (the exchange's page then sends the investor back to our return address)
    assert requests.post(response.json()["url"], timeout=5, allow_redirects=False).status_code == 302
    # and the status poller runs
    with tenant_context(live_alpha):
        orders_poll_open()
        order.refresh_from_db()
        # then the order is allotted at the NAV of our funds table and the ledger has it
        assert order.status == "successful", list(order.events.values_list("message", flat=True))
        assert order.allotted_nav == Decimal("50.00000000")
        assert order.allotted_units == Decimal("99.995")  # 5000 less 0.005% stamp duty, at 50
        assert order.payment_confirmed_at is not None
        ledger = Transaction.objects.get(source="order", source_ref=order.client_ref)
        assert ledger.units == order.allotted_units and ledger.kind == "purchase"
        assert Notification.objects.filter(investor=investor, event="order_allotted").exists()
        # polling again changes nothing (allotment is recorded once)
        orders_poll_open()
        assert Transaction.objects.filter(source="order", source_ref=order.client_ref).count() == 1

    detail = client.get(f"/api/v1/orders/{body['id']}").json()
    statuses = [e["to_status"] for e in detail["events"] if e["kind"] == "status"]
    assert statuses == ["queued", "submitted", "accepted", "payment_pending", "successful"]
    assert detail["timestamps"]["successful"]


def test_redemption_and_switch_reach_the_ledger(sandbox_gateways, live_alpha, funds, investor):
    from apps.orders.models import Order
    from apps.orders.services.outbox_runner import outbox_drain
    from apps.orders.services.polling import orders_poll_open
    from apps.portfolio.models import Transaction
    from apps.portfolio.services import transaction_record

    with tenant_context(live_alpha):
        # given units bought four years ago in folio F1
        transaction_record(
            investor=investor, scheme=funds["equity"], folio_number="F1", kind="purchase",
            trade_date=funds["equity"].created_at.date() - timedelta(days=4 * 365), amount=Decimal("10000"),
            units=Decimal("400"), nav=Decimal("25"), source="cas", source_ref=f"seed-{uuid.uuid4().hex}",
        )  # fmt: skip
    client = api_for(investor)
    redemption = place(client, {"kind": "redemption", "scheme": funds["equity"].amfi_code, "units": "100",
                                "folio_number": "F1"})  # fmt: skip
    assert redemption.status_code == 201, redemption.json()
    client.post(f"/api/v1/orders/{redemption.json()['id']}/confirm", {"code": otp_code_sent_to(investor.mobile)},
                format="json")  # fmt: skip
    equity, equity2 = funds["equity"].amfi_code, funds["equity2"].amfi_code
    switch = place(client, {"kind": "switch", "scheme": equity, "to_scheme": equity2,
                            "units": "50", "folio_number": "F1"})  # fmt: skip
    assert switch.status_code == 201, switch.json()
    client.post(f"/api/v1/orders/{switch.json()['id']}/confirm", {"code": otp_code_sent_to(investor.mobile)},
                format="json")  # fmt: skip
    with tenant_context(live_alpha):
        outbox_drain()
        orders_poll_open()
        red = Order.objects.get(public_id=redemption.json()["id"])
        sw = Order.objects.get(public_id=switch.json()["id"])
        assert red.status == "successful", list(red.events.values_list("message", flat=True))
        assert sw.status == "successful", list(sw.events.values_list("message", flat=True))
        assert Transaction.objects.get(source_ref=red.client_ref).units == Decimal("-100")
        assert Transaction.objects.get(source_ref=f"{sw.client_ref}:out").units == Decimal("-50")
        switched_in = Transaction.objects.get(source_ref=f"{sw.client_ref}:in")
        assert switched_in.units > 0 and switched_in.scheme_id == funds["equity2"].pk


def test_mandate_and_xsip_through_the_sandbox(sandbox_gateways, live_alpha, funds, investor):
    from apps.core.models import AuditLog
    from apps.orders.models import Mandate, Order, SipRegistration
    from apps.orders.services.polling import orders_poll_open

    client = api_for(investor)
    with tenant_context(live_alpha):
        bank_id = str(investor.bank_accounts.get().public_id)
    today = funds["equity"].created_at.date()
    mandate_body = {"bank_account": bank_id, "amount_limit": "25000", "start_date": str(today),
                    "end_date": str(today + timedelta(days=3650))}  # fmt: skip
    response = client.post("/api/v1/mandates", mandate_body, format="json")
    assert response.status_code == 201, response.json()
    mandate_id = response.json()["id"]
    confirmed = client.post(
        f"/api/v1/mandates/{mandate_id}/confirm", {"code": otp_code_sent_to(investor.mobile)}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "queued", confirmed.json()
    with tenant_context(live_alpha):
        mandate = Mandate.objects.get(public_id=mandate_id)
        # the one confirm service audits every kind of request
        assert AuditLog.objects.filter(action="orders.mandate.confirmed", target_id=str(mandate.pk),
                                       actor=investor.user).count() == 1  # fmt: skip
        assert mandate.status == "registered" and mandate.exchange_mandate_id
        orders_poll_open()  # the bank approves (sandbox: at once)
        mandate.refresh_from_db()
        assert mandate.status == "approved"
    start = today + timedelta(days=10)
    response = client.post(
        "/api/v1/sips",
        {"scheme": funds["equity"].amfi_code, "mandate": mandate_id, "amount": "1000", "frequency": "MONTHLY",
         "start_date": str(start), "instalments": 12, "first_order_today": True},
        format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    sip_id = response.json()["id"]
    confirmed = client.post(
        f"/api/v1/sips/{sip_id}/confirm", {"code": otp_code_sent_to(investor.mobile)}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "queued", confirmed.json()
    with tenant_context(live_alpha):
        sip = SipRegistration.objects.get(public_id=sip_id)
        assert AuditLog.objects.filter(action="orders.sip.confirmed", target_id=str(sip.pk),
                                       actor=investor.user).count() == 1  # fmt: skip
        assert sip.status == "active" and sip.exchange_reg_id
        orders_poll_open()  # today's instalment appears as an order, debited from the mandate
        orders_poll_open()  # and is allotted
        child = Order.objects.get(sip=sip)
        assert child.status == "successful"
    detail = client.get(f"/api/v1/sips/{sip_id}").json()
    assert len(detail["instalment_list"]) == 12
    assert detail["instalment_list"][0]["order_id"] == str(child.public_id)
    # cancelling goes to the exchange through the outbox: the answer is the SIP as the cancel left it, and
    # the outbox task (run on commit here) has it cancelled at the exchange
    assert client.post(f"/api/v1/sips/{sip_id}/cancel").json()["status"] == "cancel_requested"
    with tenant_context(live_alpha):
        sip.refresh_from_db()
        assert sip.status == "cancelled" and sip.cancelled_at is not None


def test_zeep_client_from_bse_real_wsdl_places_lumpsum_switch_and_xsip(sandbox_gateways, live_alpha, funds):
    """The gateway's zeep client, built from BSE's own single-file WSDL, against the sandbox."""
    from apps.orders.gateways.interface import (
        CallContext,
        ClientRegistrationRequest,
        MandateRegisterRequest,
        OrderContext,
        PurchaseRequest,
        SwitchRequest,
        XsipRegisterRequest,
    )
    from apps.orders.gateways.registry import gateway_get
    from apps.orders.services.references import attempt_ref_next

    with tenant_context(live_alpha):
        gateway = gateway_get("bse_starmf")
        code = "Z" + uuid.uuid4().hex[:9].upper()
        registration = ClientRegistrationRequest(
            client_code=code, full_name="Zeep Test", pan="ABCDE1234F", date_of_birth=None, tax_status="individual",
            email="z@example.com", mobile="9999999999", bank_account_number="123456789012", bank_ifsc="HDFC0001234",
            bank_account_type="SB",
        )  # fmt: skip
        gateway.register_client(registration, call=CallContext())
        gateway.register_fatca(registration, call=CallContext())

        def ctx():
            return OrderContext(reference="R" + uuid.uuid4().hex[:10], attempt_ref=attempt_ref_next(member_id="10234"),
                                client_code=code)  # fmt: skip

        placed = gateway.purchase(PurchaseRequest(ctx=ctx(), scheme_code="T990001-GR", amount=Decimal("1500")),
                                  call=CallContext())  # fmt: skip
        assert placed.exchange_order_id.isdigit() and "ORD CONF" in placed.message
        switched = gateway.switch(
            SwitchRequest(ctx=ctx(), from_scheme_code="T990001-GR", to_scheme_code="T990002-GR", folio_number="F9",
                          units=Decimal("10")), call=CallContext())  # fmt: skip
        assert switched.exchange_order_id.isdigit()
        mandate = gateway.mandate_register(
            MandateRegisterRequest(client_code=code, amount=Decimal("10000"), mandate_type="X",
                                   bank_account_number="123456789012", bank_ifsc="HDFC0001234", bank_account_type="SB",
                                   start_date=funds["equity"].created_at.date(),
                                   end_date=funds["equity"].created_at.date() + timedelta(days=3650)),
            call=CallContext())  # fmt: skip
        assert len(mandate.mandate_id) < 15
        xsip = gateway.xsip_register(
            XsipRegisterRequest(ctx=ctx(), scheme_code="T990001-GR", amount=Decimal("1000"), frequency="MONTHLY",
                                start_date=funds["equity"].created_at.date() + timedelta(days=30), instalments=6,
                                mandate_id=mandate.mandate_id), call=CallContext())  # fmt: skip
        assert xsip.reg_id.isdigit()


def test_another_investors_orders_answer_404(sandbox_gateways, live_alpha, funds, investor):
    other = make_investor(live_alpha, ready_to_invest=True)
    mine = place(api_for(investor), {"kind": "purchase", "scheme": funds["equity"].amfi_code, "amount": "1000"})
    order_id = mine.json()["id"]
    intruder = api_for(other)
    for method, path in [("get", ""), ("post", "/confirm"), ("post", "/cancel"), ("post", "/otp"),
                         ("post", "/payment-link")]:  # fmt: skip
        response = getattr(intruder, method)(f"/api/v1/orders/{order_id}{path}", {"code": "123456"}, format="json")
        assert response.status_code == 404, (path, response.status_code)
    assert intruder.get("/api/v1/orders").json()["count"] == 0
    # and another distributor does not know the id at all
    from apps.users.models import User

    beta_client = APIClient(HTTP_HOST="beta.localhost")
    beta_client.force_authenticate(User(pk=investor.user.pk, email=investor.user.email))
    assert beta_client.get(f"/api/v1/orders/{order_id}").status_code == 404


def test_a_malformed_id_answers_the_api_error_shape(sandbox_gateways, live_alpha, investor):
    client = api_for(investor)
    for path in ("/api/v1/orders/not-a-uuid", "/api/v1/sips/1/confirm", "/api/v1/mandates/x",
                 "/api/v1/me/bank-accounts/1", "/api/v1/portfolio/transactions/abc"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert response.json() == {"code": "not_found", "message": "Not found.", "extra": {}}, path
    # pages keep their 404 page
    page = client.get("/web/orders/not-a-uuid/confirm/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
