"""In the browser: an investor searches "ppfas ...", opens the fund's page, taps Invest and lands on the
order page with the fund chosen (stopping before placing the order). At 1366 px and at 390 px, without
page-level horizontal scrolling."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.factories import PASSWORD, SchemeFactory, make_investor, unique

pytestmark = pytest.mark.live

WIDTHS = (1366, 390)
END = date(2026, 8, 19)


def _no_horizontal_scroll(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_fund_page_invest_prefills_the_order(page, live_server, live_alpha, screenshot):
    from apps.funds.models import Amc, NavHistory

    ppfas, _ = Amc.objects.get_or_create(code="ppfas-mutual-fund", defaults={"name": "PPFAS Mutual Fund"})
    word = unique("Quokka").replace("-", "").replace("_", "")
    scheme = SchemeFactory(
        orderable=True, amc=ppfas, category="Equity Scheme", sub_category="Flexi Cap Fund",
        name=f"Parag Parikh {word} Flexi Cap Fund - Direct Plan - Growth",
        latest_nav=Decimal("90.4028"), latest_nav_date=END,
    )  # fmt: skip
    NavHistory.objects.bulk_create(  # 60 weekly NAVs: a year's chart and returns, no 3-year history
        NavHistory(scheme=scheme, date=END - timedelta(days=7 * n), nav=Decimal("90.4028") - Decimal("0.3") * n)
        for n in range(0, 60)
    )
    investor = make_investor(live_alpha, ready_to_invest=True)

    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(live_server.url("alpha.localhost", "/login/?next=/web/funds/"))
    page.get_by_label("E-mail or mobile number").fill(investor.user.email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()
    page.wait_for_url("**/web/funds/")

    # the investor searches by the fund house's short name
    page.get_by_label("Fund name or fund house").fill(f"ppfas {word.lower()}")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/web/funds/?q=*")
    results = page.get_by_test_id("fund-results")
    first = results.get_by_role("link").first
    assert first.inner_text() == scheme.name
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_horizontal_scroll(page), width
        screenshot(page, f"web-funds-search-{width}")

    # opens the fund's page: chart, returns, what can be done here
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    first.click()
    page.wait_for_url(f"**/web/funds/{scheme.amfi_code}/")
    assert page.get_by_test_id("fund-name").inner_text() == scheme.name
    assert page.get_by_test_id("nav-chart").is_visible()
    assert "Buy (lump sum)" in page.get_by_test_id("fund-can-do").inner_text()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_horizontal_scroll(page), width
        screenshot(page, f"web-fund-page-{width}")

    # taps Invest: the order page has the fund chosen; the investor only types the amount
    page.get_by_test_id("fund-invest").click()
    page.wait_for_url("**/web/orders/new/?kind=purchase&scheme=*")
    assert page.get_by_test_id("picker-scheme-chosen").inner_text().startswith(scheme.name)
    assert page.locator("input[name=amfi_code]").get_attribute("value") == scheme.amfi_code
    assert page.locator("input[name=amfi_code]").get_attribute("type") == "hidden"
    assert page.get_by_label("Order type").input_value() == "purchase"
    page.get_by_label("Amount").fill("5000")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_horizontal_scroll(page), width
        screenshot(page, f"web-order-prefilled-{width}")
