"""The investor's whole journey in one story, in headless Chromium against the live server and the sandbox
KRA and exchange: staff invite a person -> the invitation is accepted -> the checklist -> details -> KYC
verified -> a bank account confirmed with a code -> nomination opt-out -> FATCA -> a fund found by the fund
house's short name -> its page -> "Add to basket" -> a second fund found with the basket page's search ->
amounts -> one code -> one payment on the exchange's payment page -> the allotment -> both funds in the
holdings. Nobody types an AMFI code. Every page is captured at 1366 and 390 px
(artifacts/screenshots/journey-*.png) and must not scroll sideways on a phone."""

from datetime import date
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import tenant_context

from apps.orders.tests.conftest import (  # noqa: F401 - fixtures used by name
    _gateway_state_clean,
    funds,
    sandbox_gateways,
)
from apps.portal.tests.test_onboarding_browser import _capture, _code_sent_to
from apps.web.tests.test_basket_browser import add_by_search, add_from_fund_page, fill_amounts
from tests.clients import staff_api
from tests.factories import SchemeFactory, make_staff, pan_with, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


def _ppfas_fund():
    """A PPFAS flexi-cap fund the exchange can take, found by searching "ppfas <word>"."""
    from apps.funds.models import Amc

    ppfas, _ = Amc.objects.get_or_create(code="ppfas-mutual-fund", defaults={"name": "PPFAS Mutual Fund"})
    word = unique("Numbat").replace("-", "").replace("_", "")
    scheme = SchemeFactory(
        orderable=True, amc=ppfas, category="Equity Scheme", sub_category="Flexi Cap Fund",
        name=f"Parag Parikh {word} Flexi Cap Fund - Direct Plan - Growth",
        latest_nav=Decimal("90.4028"), latest_nav_date=date(2026, 11, 26),
    )  # fmt: skip
    return scheme, word.lower()


def test_invitation_to_holdings_without_typing_a_fund_code(
    page,
    live_server,
    live_alpha,
    sandbox_gateways,  # noqa: F811 - the fixture imported above
    funds,  # noqa: F811
    screenshot,
    settings,
):
    from apps.accounts.models import Investor
    from apps.orders.models import Order, OrderBasket
    from apps.orders.services.polling import orders_poll_open

    def capture(name: str) -> None:
        _capture(page, lambda tab, shot: screenshot(tab, shot.replace("web-onboarding-", "journey-", 1)), name)

    kra_url = live_server.url("localhost", "/sandbox/kra/")
    settings.KRA_BASE_URL, settings.KRA_MAX_ATTEMPTS = kra_url, 1
    name, email, pan = "Ishaan Mehta", f"{unique('ishaan')}@example.test", pan_with("2468")
    first, query = _ppfas_fund()
    second = funds["equity2"]

    # staff invite the person through the API
    owner = make_staff(live_alpha, role="owner")
    invited = staff_api(owner).post("/api/v1/staff/invitations", {"full_name": name, "email": email}, format="json")
    assert invited.status_code == 201, invited.content[:300]
    link = live_server.url("alpha.localhost", "/invite/" + invited.json()["link"].split("/invite/", 1)[1])

    # the invitation accepted with a code sent to the invited e-mail: the checklist
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(link)
    capture("invitation")
    page.get_by_role("button", name="Send me the code").click()
    page.get_by_label("Code we sent you").fill(_code_sent_to(email))
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/web/onboarding/")
    capture("checklist")

    # details, as on the PAN card
    page.get_by_test_id("onboarding-next").click()
    page.wait_for_url("**/web/onboarding/profile/")
    page.locator("#id_pan").fill(pan)
    page.get_by_label("Date of birth").fill("1988-02-11")
    page.get_by_label("Occupation").select_option("professional")
    page.locator("#id_address_line1").fill("4 Residency Road")
    page.get_by_label("City").fill("Bengaluru")
    page.get_by_label("State").fill("Karnataka")
    page.get_by_label("PIN code").fill("560025")
    capture("details")
    page.get_by_role("button", name="Save my details").click()

    # KYC: the sandbox KRA verifies the PAN under the KRA's spelling of the name
    page.wait_for_url("**/web/onboarding/kyc/")
    requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "MEHTA ISHAAN"}, timeout=5)
    page.get_by_test_id("kyc-check").click()

    # the bank account, confirmed with a code
    page.wait_for_url("**/web/onboarding/bank/")
    page.get_by_label("Account number").fill("50100987654321")
    page.get_by_label("IFSC").fill("hdfc0001234")
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_label("Code we sent you").fill(_code_sent_to(email))
    capture("bank-code")
    page.get_by_role("button", name="Confirm").click()

    # nomination: opt out; then FATCA
    page.wait_for_url("**/web/onboarding/nominees/")
    page.get_by_label("I do not want to name a nominee").check()
    page.get_by_role("button", name="Save my nomination").click()
    page.wait_for_url("**/web/onboarding/fatca/")
    page.get_by_label("Place (city) of birth").fill("Mysuru")
    page.get_by_label("Yearly income").select_option("10l_25l")
    page.get_by_label("Source of wealth").select_option("salary")
    page.locator('input[name="politically_exposed"][value="no"]').check()
    page.locator('input[name="tax_resident_outside_india"][value="no"]').check()
    page.get_by_role("button", name="Declare").click()
    page.wait_for_url("**/web/onboarding/")
    assert page.locator("[data-step]").evaluate_all("items => items.map(i => i.dataset.state)") == ["done"] * 5
    capture("ready")

    # a fund found by the fund house's short name, and its page
    page.goto(live_server.url("alpha.localhost", "/web/funds/"))
    page.get_by_label("Fund name or fund house").fill(f"ppfas {query}")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/web/funds/?q=*")
    capture("fund-search")
    page.get_by_test_id("fund-results").get_by_role("link", name=first.name).click()
    page.wait_for_url(f"**/web/funds/{first.amfi_code}/")
    capture("fund-page")

    # "Add to basket", then the second fund from the basket page's own search, then the amounts
    add_from_fund_page(page, first)
    page.get_by_label("Search funds by name or fund house").fill("equity2")
    page.get_by_test_id("basket-add").get_by_role("button", name="Search").click()
    page.wait_for_url("**/web/orders/basket/?q=*")
    capture("basket-search")
    add_by_search(page, "equity2", second)
    fill_amounts(page, {first: "8000", second: "4000"})
    capture("basket")
    page.get_by_role("button", name="Continue to confirm").click()

    # one code confirms both purchases
    page.wait_for_url("**/web/orders/baskets/**")
    with tenant_context(live_alpha):
        investor = Investor.objects.get(user__email=email)
    assert "2 orders · ₹12,000.00" in page.get_by_test_id("web-basket").inner_text()
    capture("basket-code")
    page.get_by_label("One-time code").fill(_code_sent_to(investor.mobile.strip().lower() or email))
    page.get_by_role("button", name="Confirm 2 orders").click()

    # one payment for both at the exchange's payment page (the sandbox on loopback)
    page.get_by_role("button", name="Pay ₹12,000.00 at the exchange").wait_for()
    capture("basket-confirmed")
    page.get_by_role("button", name="Pay ₹12,000.00 at the exchange").click()
    page.wait_for_url("**/sandbox/bse/pay/**")
    assert "2 order(s), total Rs 12000.00" in page.content()
    page.get_by_role("button", name="Pay Rs 12000.00").click()
    page.wait_for_url("**/web/orders/baskets/**")

    # the status poller learns of the payment and the allotment
    with tenant_context(live_alpha):
        orders_poll_open()
        basket = OrderBasket.objects.get(investor=investor)
        orders = list(Order.objects.filter(basket=basket).select_related("scheme").order_by("id"))
    assert [(o.scheme.name, o.status) for o in orders] == [(first.name, "successful"), (second.name, "successful")]

    # the holdings show both funds with their units
    page.goto(live_server.url("alpha.localhost", "/web/"))
    holdings = page.get_by_test_id("web-holdings").inner_text()
    assert first.name in holdings and second.name in holdings
    assert f"{orders[0].allotted_units:.3f}" in holdings and f"{orders[1].allotted_units:.3f}" in holdings
    capture("holdings")
