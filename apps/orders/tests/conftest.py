"""Fixtures for the orders tests: committed fund data with BSE codes, an investor of alpha, and the
gateways pointed at the sandbox on the live server (BSE's real MFOrder WSDL from ../shared/data)."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection

from tests.factories import make_investor
from tests.shared_data import shared_data

REAL_MFORDER_WSDL = shared_data("bse", "bse_MFOrder_wsdl_AviNormie.xml")


@pytest.fixture(autouse=True)
def _gateway_state_clean():
    """Exchange sessions, circuit state and rate buckets live in the schema-less "gateways" cache."""
    cache = caches["gateways"]
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("orders:*")
    else:
        cache.clear()
    yield


@pytest.fixture
def sandbox_gateways(settings, live_server, live_db, celery_eager):
    """Gateways at the sandbox over loopback; faults fire fast; the sweeper can resolve at once."""
    from apps.demo.seeders.orders import identities_seed

    base = live_server.url("localhost", "/sandbox")
    bse = dict(settings.ORDER_GATEWAYS["bse_starmf"])
    bse.update(
        ORDER_URL=f"{base}/bse/MFOrderEntry/MFOrder.svc",
        ORDER_WSDL=str(REAL_MFORDER_WSDL),
        SERVICES_URL=f"{base}/bse/StarMFWebService/StarMFWebService.svc/Basic",
        TIMEOUT=2.0,
    )
    mfu = dict(settings.ORDER_GATEWAYS["mfu"])
    mfu.update(BASE_URL=f"{base}/mfu", TIMEOUT=2.0)
    settings.ORDER_GATEWAYS = {"bse_starmf": bse, "mfu": mfu}
    identities_seed()  # each distributor's own exchange identity at the sandbox
    settings.ORDERS_UNKNOWN_SETTLE_SECONDS = 0
    settings.ORDERS_RETRY_BASE_SECONDS = 0
    settings.SANDBOX_AUTO_PAY_SECONDS = -1
    settings.SANDBOX_ALLOTMENT_DELAY_SECONDS = 0
    settings.SANDBOX_MANDATE_APPROVAL_SECONDS = 0
    settings.ORDER_GATEWAY_RATE_LIMITS = {"default": {"rate": 1000.0, "burst": 1000.0}}
    settings.ORDER_GATEWAY_CIRCUIT = {"threshold": 10_000, "cooldown_seconds": 30.0}
    return base


@pytest.fixture
def funds(live_db):
    """Two equity schemes and a liquid one of one AMC, an ELSS, and a scheme of another AMC; with BSE codes
    and NAVs. Committed (get_or_create: the data lives for the session)."""
    from apps.funds.models import Amc, Scheme, SchemeCode

    connection.set_schema_to_public()
    amc, _ = Amc.objects.get_or_create(code="test-amc", defaults={"name": "Test AMC"})
    other, _ = Amc.objects.get_or_create(code="other-amc", defaults={"name": "Other AMC"})
    specs = {
        "equity": ("990001", amc, {"min_purchase": Decimal("500"), "purchase_multiple": Decimal("1"),
                                   "min_additional": Decimal("100"), "min_sip": Decimal("500")}),
        "equity2": ("990002", amc, {"min_purchase": Decimal("500")}),
        "liquid": ("990003", amc, {"is_liquid": True, "min_purchase": Decimal("1000")}),
        "elss": ("990004", amc, {"lock_in_days": 1095, "min_purchase": Decimal("500")}),
        "other": ("990005", other, {"min_purchase": Decimal("500")}),
    }  # fmt: skip
    schemes = {}
    for name, (code, fund_house, extra) in specs.items():
        scheme, _ = Scheme.objects.get_or_create(
            amfi_code=code,
            defaults={"name": f"Test {name} fund", "amc": fund_house, "latest_nav": Decimal("50.00000000"),
                      "plan": "direct", "option": "growth", **extra},
        )  # fmt: skip
        SchemeCode.objects.get_or_create(source="bse", code=f"T{code}-GR", defaults={"scheme": scheme})
        schemes[name] = scheme
    return schemes


@pytest.fixture
def investor(live_alpha):
    """An investor of alpha who can place orders, committed for the live server."""
    return make_investor(live_alpha, ready_to_invest=True)
