"""The BSE simulator's additional services (MFAPI): each flag's answer, in BSE's own words."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from apps.orders.gateways.bse_starmf import consts
from apps.sandbox.bse import engine
from apps.sandbox.models import BseClient, BseMandate, BseOrder

pytestmark = pytest.mark.django_db

USER = "1234501"  # member 12345, user 01
BASE = "http://localhost:8000"


@pytest.fixture
def session() -> str:
    ok, encrypted = engine.login(
        user_id=USER, password=django_settings.SANDBOX_BSE_PASSWORD, passkey="k1", service="services"
    )
    assert ok, encrypted
    return encrypted


def _param(fields: tuple[str, ...], **values: str) -> str:
    return "|".join(values.get(name, "") for name in fields)


def call(session: str, flag: str, param: str) -> str:
    return engine.mfapi(flag=flag, user_id=USER, encrypted=session, param=param, base_url=BASE)


def test_an_unknown_session_action_or_shape_is_refused(session):
    assert engine.mfapi(flag=consts.FLAG_UCC, user_id=USER, encrypted="nope", param="", base_url=BASE) == (
        "101|PASSWORD EXPIRED"
    )
    assert call(session, "99", "a|b") == "101|INVALID ACTION CODE"
    for flag in (consts.FLAG_UCC, consts.FLAG_FATCA, consts.FLAG_MANDATE_REGISTER, consts.FLAG_PAYMENT_LINK):
        assert call(session, flag, "too|few") == "101|INVALID PARAM STRING FORMAT"
    assert call(session, consts.FLAG_PAYMENT_STATUS, "C1|123") == "101|INVALID SEGMENT VALUE"


def test_client_registration_then_fatca_then_a_mandate(session):
    ucc = _param(consts.UCC_PARAM_FIELDS, ClientCode="C1", Name="Asha Verma", PAN="ABCPV1234F")
    assert call(session, consts.FLAG_UCC, ucc) == "100|RECORD INSERTED SUCCESSFULLY"
    client = BseClient.objects.get(member_id="12345", client_code="C1")
    assert (client.name, client.pan) == ("Asha Verma", "ABCPV1234F") and client.ucc_at

    assert call(session, consts.FLAG_FATCA, _param(consts.FATCA_PARAM_FIELDS, ClientCode="C1")) == (
        "100|RECORD INSERTED SUCCESSFULLY"
    )
    assert call(session, consts.FLAG_FATCA, _param(consts.FATCA_PARAM_FIELDS, ClientCode="NOBODY")) == (
        "101|INVALID CLIENT CODE"
    )

    mandate = _param(consts.MANDATE_PARAM_FIELDS, ClientCode="C1", Amount="50000", MandateType="X")
    answer = call(session, consts.FLAG_MANDATE_REGISTER, mandate)
    stored = BseMandate.objects.get(client_code="C1")
    assert answer == f"100|{stored.mandate_id}" and stored.amount == Decimal("50000")
    isip = _param(consts.MANDATE_PARAM_FIELDS, ClientCode="C1", Amount="50000", MandateType="I")
    assert call(session, consts.FLAG_MANDATE_REGISTER, isip).startswith("100|BSE")
    zero = _param(consts.MANDATE_PARAM_FIELDS, ClientCode="C1", Amount="0", MandateType="X")
    assert call(session, consts.FLAG_MANDATE_REGISTER, zero) == "101|INVALID PARAM STRING FORMAT"


def test_payment_link_and_status(session, settings):
    settings.SANDBOX_AUTO_PAY_SECONDS = -1  # only the investor's payment pays
    settings.SANDBOX_ALLOTMENT_DELAY_SECONDS = 3600  # and nothing is allotted while the test looks
    order = BseOrder.objects.create(
        member_id="12345", client_code="C1", order_number="555001", kind="purchase", amount=Decimal("1500"),
        scheme_code="T990001-GR", status="VALID", trans_no="T1",
    )  # fmt: skip
    link = _param(consts.PAYMENT_LINK_PARAM_FIELDS, ClientCode="C1", Mode="DIRECT", Orders="555001", Total="1500",
                  LogoutURL="http://alpha.localhost/web/orders/x/")  # fmt: skip
    wrong_total = _param(consts.PAYMENT_LINK_PARAM_FIELDS, ClientCode="C1", Mode="DIRECT", Orders="555001", Total="1")
    assert call(session, consts.FLAG_PAYMENT_LINK, wrong_total) == "101|INVALID TOTAL ORDER AMOUNT"
    assert call(session, consts.FLAG_PAYMENT_STATUS, "C1|555001|BSEMF") == "100|PAYMENT NOT INITIATED FOR GIVEN ORDER"

    answer = call(session, consts.FLAG_PAYMENT_LINK, link)

    order.refresh_from_db()
    back = "return=http%3A%2F%2Falpha.localhost%2Fweb%2Forders%2Fx%2F"
    assert answer == f"100|{BASE}/sandbox/bse/pay/{order.payment_token}?{back}"
    assert (
        call(session, consts.FLAG_PAYMENT_STATUS, "C1|555001|BSEMF") == "100|AWAITING FOR FUNDS CONFIRMATION ( DIRECT )"
    )
    assert call(session, consts.FLAG_PAYMENT_STATUS, "C2|555001|BSEMF") == "101|INVALID ORDER NUMBER FOR GIVEN CLIENT"
    assert engine.pay(token=order.payment_token) == 1
    assert call(session, consts.FLAG_PAYMENT_STATUS, "C1|555001|BSEMF") == "100|APPROVED ( DIRECT )"
    assert call(session, consts.FLAG_PAYMENT_LINK, link) == "101|PAYMENT DONE FOR THIS ORDER NUMBER"


def test_the_payment_page_shows_the_orders_pays_them_and_sends_the_investor_back(settings, client):
    settings.SANDBOX_AUTO_PAY_SECONDS = -1
    settings.SANDBOX_ALLOTMENT_DELAY_SECONDS = 3600
    orders = [
        BseOrder.objects.create(
            member_id="12345", client_code="C1", order_number=number, kind="purchase", amount=Decimal(amount),
            scheme_code="T990001-GR", status="VALID", trans_no=f"T{number}", payment_token="tok-two-orders",
        )
        for number, amount in (("555101", "10000"), ("555102", "5000"))
    ]  # fmt: skip
    url = "/sandbox/bse/pay/tok-two-orders?return=http%3A%2F%2Falpha.localhost%2Fweb%2Forders%2Fx%2F"

    page = client.get(url, HTTP_HOST="localhost")
    assert page.status_code == 200
    assert "2 order(s), total Rs 15000.00" in page.content.decode() and "555102" in page.content.decode()
    paid = client.post(url, HTTP_HOST="localhost")

    assert paid.status_code == 302 and paid["Location"] == "http://alpha.localhost/web/orders/x/"
    assert all(BseOrder.objects.get(pk=o.pk).paid_at for o in orders)
    assert client.get("/sandbox/bse/pay/unknown", HTTP_HOST="localhost").status_code == 404
    # a return address that is not a web address is not followed
    other = BseOrder.objects.create(
        member_id="12345",
        client_code="C1",
        order_number="555103",
        kind="purchase",
        amount=Decimal("100"),
        scheme_code="X",
        trans_no="T555103",
        payment_token="t3",
    )
    answer = client.post("/sandbox/bse/pay/t3?return=javascript:alert(1)", HTTP_HOST="localhost")
    assert answer.status_code == 200 and BseOrder.objects.get(pk=other.pk).paid_at
