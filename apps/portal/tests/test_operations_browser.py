"""The operations pages in headless Chromium at desktop (1366 px) and phone (390 px) widths: the owner
tests the exchange login against the sandbox; operations staff upload a registrar feed and work its
discrepancy in the console."""

from decimal import Decimal

import pytest

from apps.orders.tests.conftest import sandbox_gateways  # noqa: F401 - the gateways at the live sandbox
from apps.portal.tests.conftest import sign_in
from apps.reconciliation.tests.conftest import cams_feed, cams_row
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.usefixtures("sandbox_gateways")]


def test_exchange_login_test_then_a_feed_worked_in_the_console(page, live_server, live_alpha, screenshot, tmp_path):
    host = live_alpha.domains.get(is_primary=True).domain
    owner = make_staff(live_alpha, role="owner")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url(host, "/portal/login/"), owner.user.email)

    # the owner tests the BSE login with the stored identity
    page.get_by_role("link", name="Exchange").click()
    page.get_by_test_id("test-bse_starmf").click()
    page.get_by_text("bse_starmf: Signed in to the exchange.").wait_for()
    screenshot(page, "portal-exchange-1366")

    # a feed with a purchase in a folio that belongs to none of alpha's investors
    feed = tmp_path / "WBR2_alpha.csv"
    feed.write_bytes(cams_feed([cams_row(txn_no="880001", units=Decimal("12.0000"), amount=Decimal("600.00"),
                                         folio="404/404")], form="csv"))  # fmt: skip
    page.get_by_role("link", name="Operations").click()
    page.get_by_role("link", name="Registrar feeds").click()
    page.get_by_label("Feed file").set_input_files(str(feed))
    page.get_by_role("button", name="Import and reconcile").click()
    page.get_by_text("WBR2_alpha.csv: 1 rows").wait_for()

    page.get_by_role("link", name="Console").click()
    row = page.get_by_test_id("discrepancy-missing_in_ledger").filter(has_text="404/404")
    row.get_by_text("Folio 404/404 belongs to none of our investors.").wait_for()
    screenshot(page, "portal-operations-console-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "portal-operations-console-390")

    # overriding needs a reason; with one it is settled and says who did it
    row.get_by_placeholder("Reason to override").fill("Folio of a family member, handled offline")
    row.get_by_role("button", name="Override").click()
    page.get_by_text("Overridden, with your reason on record.").wait_for()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url(host, "/portal/operations/?status=overridden"))
    page.get_by_text("Folio of a family member, handled offline").wait_for()
    screenshot(page, "portal-operations-overridden-1366")
