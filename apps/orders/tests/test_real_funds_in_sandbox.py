"""A real fund, end to end in the sandbox: AMFI's real NAVAll rows imported, the sandbox BSE's scheme master
taken over loopback by the scheme-master import (as production takes BSE's), then the fund bought and
redeemed through the orders services and the BSE gateway against the sandbox."""

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.messages import otp_code_sent_to
from tests.shared_data import shared_data

pytestmark = pytest.mark.live

FLEXI_DIRECT_GROWTH = "122639"  # Parag Parikh Flexi Cap Fund - Direct Plan - Growth, in AMFI's file


@pytest.fixture
def real_flexi_cap(live_db, tmp_path):
    """AMFI's real row for Parag Parikh Flexi Cap Direct Growth (headings kept): only this one, because
    live-test writes stay for the whole session and the full file's 14,000 schemes would change what later
    tests count. (apps/sandbox/tests/test_bse_scheme_master.py imports the whole file, in a transaction.)"""
    from apps.funds.importers.amfi import import_amfi_navs

    source = shared_data("amfi", "amfi_NAVAll_2026-08-19_8col_planoption.txt")
    lines = source.read_bytes().split(b"\r\n")
    kept = [lines[0]] + [
        line for line in lines[1:] if b";" not in line or line.startswith(f"{FLEXI_DIRECT_GROWTH};".encode())
    ]
    subset = tmp_path / "NAVAll.txt"
    subset.write_bytes(b"\r\n".join(kept))
    connection.set_schema_to_public()
    assert import_amfi_navs(source=str(subset)).status == "succeeded"


def _confirm(order, investor):
    from apps.orders.services.confirmation import otp_confirm

    otp_confirm(target=order, code=otp_code_sent_to(investor.mobile), actor=investor.user)


def test_a_real_fund_is_bought_and_redeemed_in_the_sandbox(
    sandbox_gateways, live_alpha, investor, real_flexi_cap, settings
):
    from apps.funds.importers.bse_master import import_bse_scheme_master
    from apps.funds.models import Scheme, SchemeCode
    from apps.orders.models import Order
    from apps.orders.services.orders import order_place
    from apps.orders.services.outbox_runner import outbox_drain
    from apps.orders.services.polling import orders_poll_open
    from apps.portfolio.models import Transaction

    # given the scheme master taken from the sandbox BSE over loopback
    run = import_bse_scheme_master(source=f"{sandbox_gateways}/bse/SchemeMaster.txt", actor_label="test")
    assert run.status == "succeeded" and not run.report["skipped_reasons"], run.report
    scheme = Scheme.objects.get(amfi_code=FLEXI_DIRECT_GROWTH)
    assert scheme.name.startswith("Parag Parikh Flexi Cap Fund") and scheme.latest_nav == Decimal("90.4028")
    bse_code = SchemeCode.objects.get(scheme=scheme, source="bse").code
    settings.SANDBOX_AUTO_PAY_SECONDS = 0  # the investor pays at once

    with tenant_context(live_alpha):
        # when the investor buys it
        purchase = order_place(investor=investor, kind="purchase", scheme=scheme, amount=Decimal("5000"))
        _confirm(purchase, investor)
        outbox_drain()
        orders_poll_open()
        purchase = Order.objects.get(pk=purchase.pk)
        # then BSE (the sandbox) allotted units of this fund at its real NAV
        assert purchase.status == "successful", list(purchase.events.values_list("message", flat=True))
        assert purchase.allotted_nav == Decimal("90.4028")
        assert purchase.allotted_units == Decimal("55.305")  # 4999.75 (less 0.005% stamp duty) / 90.4028, rounded down
        bought = Transaction.objects.get(source="order", source_ref=purchase.client_ref)

        # when the investor redeems part of it from the folio the purchase opened
        redemption = order_place(
            investor=investor,
            kind="redemption",
            scheme=scheme,
            units=Decimal("20"),
            folio_number=bought.folio.folio_number,
        )
        _confirm(redemption, investor)
        outbox_drain()
        orders_poll_open()
        redemption = Order.objects.get(pk=redemption.pk)
        assert redemption.status == "successful", list(redemption.events.values_list("message", flat=True))
        assert Transaction.objects.get(source="order", source_ref=redemption.client_ref).units == Decimal("-20")

    from apps.sandbox.models import BseOrder

    assert set(BseOrder.objects.filter(scheme_code=bse_code).values_list("kind", flat=True)) == {
        "purchase",
        "redemption",
    }
