"""A scheme universe with CAMS product codes, an investor of alpha with orders in every state the
registrar can confirm, correct or contradict, and helpers to write feeds from the real header lists."""

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.reconciliation.tests import feedfiles as ff

FOLIO = "1234567/89"
NAV_DATE = date(2026, 11, 20)


@pytest.fixture
def schemes(db):
    from apps.funds.models import Amc, Scheme, SchemeCode

    connection.set_schema_to_public()
    amc, _ = Amc.objects.get_or_create(code="recon-amc", defaults={"name": "Recon AMC"})
    found = {}
    for code, name in (("B02G", "Recon Equity Growth"), ("B03G", "Recon Debt Growth")):
        scheme, _ = Scheme.objects.get_or_create(
            amfi_code=f"98{code[1:3]}01", defaults={"name": name, "amc": amc, "latest_nav": Decimal("50")}
        )
        SchemeCode.objects.get_or_create(source="cams", code=code, defaults={"scheme": scheme})
        found[code] = scheme
    return found


def order_make(investor, scheme, *, status, amount, units=None, nav=Decimal("50.0000"), folio=FOLIO, kind="purchase"):
    """An order in `status` (allotted ones with their ledger line), made directly: these tests are about what
    the registrar says of orders, not about placing them."""
    from apps.orders.models import Order
    from apps.portfolio.services import transaction_record

    ref = f"O{uuid.uuid4().hex[:10].upper()}"
    allotted = status in ("successful", "reversed")
    order = Order.objects.create(
        investor=investor, kind=kind, scheme=scheme, amount=amount, folio_number=folio, client_ref=ref,
        status=status, gateway="bse_starmf", exchange_order_id=str(uuid.uuid4().int % 10**8),
        placed_at=timezone.make_aware(datetime(2026, 11, 19, 11)), expected_nav_date=NAV_DATE,
        nav_date=NAV_DATE if allotted else None, allotted_units=units if allotted else None,
        allotted_nav=nav if allotted else None, allotted_amount=amount if allotted else None,
    )  # fmt: skip
    if allotted:
        transaction_record(
            investor=investor, scheme=scheme, folio_number=folio, kind="purchase", trade_date=NAV_DATE,
            amount=amount, units=units, nav=nav, source="order", source_ref=ref, description="test order",
        )  # fmt: skip
    return order


@pytest.fixture
def investor(tenant_alpha):
    from tests.factories import make_investor

    return make_investor(tenant_alpha)


def cams_row(*, txn_no, units, amount, trade_date=NAV_DATE, code="B02G", folio=FOLIO, kind="P", **extra):
    row = {"AMC_CODE": "B", "FOLIO_NO": folio, "PRODCODE": code, "SCHEME": "Recon Equity Growth",
           "INV_NAME": "JANE Q EXAMPLE", "TRXNTYPE": kind, "TRXNNO": txn_no, "TRADDATE": trade_date,
           "PURPRICE": Decimal("50.0000"), "UNITS": units, "AMOUNT": amount, "BROKCODE": "ARN-100001",
           "BROKCOMM": Decimal("0.00"), "BROKPERC": Decimal("0.0000"), "EUIN": "", "USRTRXNO": "",
           "REVERSAL_C": "", "ORIGINAL_T": ""}  # fmt: skip
    row.update(extra)
    return row


def cams_feed(rows, *, form="dbf", password=""):
    head = ff.header("cams_dbf")
    table = ff.rows_for(head, rows)
    content = {"dbf": ff.as_dbf, "xlsx": ff.as_xlsx, "csv": ff.as_csv, "xls": ff.as_xls}[form](head, table)
    if password:
        return ff.as_zip(content, inner_name=f"WBR2.{form}", password=password)
    return content


def wbr22_feed(rows):
    head = ff.header("cams_wbr22")
    return ff.as_csv(head, ff.rows_for(head, rows))


@pytest.fixture
def alpha_ctx(tenant_alpha):
    with tenant_context(tenant_alpha):
        yield tenant_alpha
