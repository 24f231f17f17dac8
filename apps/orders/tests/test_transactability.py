"""Order rules refuse a fund by what can be done with it through this distributor's gateways, and the
refusal names the operation refused."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from apps.funds.models import Amc, Scheme, SchemeCode
from apps.orders.services.orders import order_place
from apps.orders.transactability import scheme_refusal
from apps.orders.validation import OrderRefused
from tests.factories import make_investor

pytestmark = pytest.mark.django_db


@pytest.fixture
def amc():
    return Amc.objects.create(code="vindhya", name="Vindhya Mutual Fund")


def _scheme(amc, code: str, *, listed: bool = True, **flags) -> Scheme:
    scheme = Scheme.objects.create(amfi_code=code, name=f"Vindhya {code}", amc=amc, latest_nav=Decimal("10"), **flags)
    if listed:
        SchemeCode.objects.create(scheme=scheme, source="bse", code=f"V{code}")
    return scheme


def _refusal(tenant, investor, scheme, **order) -> OrderRefused:
    with tenant_context(tenant), pytest.raises(OrderRefused) as info:
        order_place(investor=investor, scheme=scheme, **order)
    return info.value


def test_refusals_name_the_operation_and_the_exchange(tenant_alpha, amc):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    unlisted = _scheme(amc, "900001", listed=False)
    closed = _scheme(amc, "900002", purchase_allowed=False)
    no_redemption = _scheme(amc, "900003", redemption_allowed=False)

    refused = _refusal(tenant_alpha, investor, unlisted, kind="purchase", amount=Decimal("1000"))
    assert (refused.code, refused.message) == (
        "scheme_not_available", "This fund cannot be bought through BSE StAR MF: it is not listed there.",
    )  # fmt: skip
    refused = _refusal(tenant_alpha, investor, closed, kind="purchase", amount=Decimal("1000"))
    assert (refused.code, refused.message) == (
        "operation_not_allowed",
        "This fund cannot be bought through BSE StAR MF now.",
    )
    refused = _refusal(tenant_alpha, investor, no_redemption, kind="redemption", units=Decimal("1"), folio_number="F1")
    assert refused.message == "This fund cannot be redeemed through BSE StAR MF now."
    assert refused.extra == {"operation": "redemption", "scheme": "900003"}


def test_the_gateway_the_distributor_routes_to_decides(tenant_alpha, amc, settings):
    scheme = _scheme(amc, "900004")
    with tenant_context(tenant_alpha):
        assert scheme_refusal(scheme=scheme, operation="sip") is None
        # MF Utilities alone: it registers no SIPs
        settings.ORDER_GATEWAYS = {"mfu": settings.ORDER_GATEWAYS["mfu"]}
        refusal = scheme_refusal(scheme=scheme, operation="sip")
        assert refusal is not None and "bought by SIP" in refusal.message
        assert scheme_refusal(scheme=scheme, operation="purchase") is None  # MFU trades the BSE code
