"""Two journeys in headless Chromium against the live server: an investor redeems from a holding on the
portfolio page (no fund code typed, the folio filled in) and confirms with a code; a relationship manager
who was assigned investors sees exactly those, on the investor list, on their pages and in the orders.
Screenshots at 1366 and 390 px (artifacts/screenshots/), and no sideways scrolling on a phone."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from apps.orders.tests.conftest import (  # noqa: F401 - fixtures used by name
    _gateway_state_clean,
    funds,
    sandbox_gateways,
)
from apps.portal.tests.conftest import sign_in
from apps.portal.tests.test_onboarding_browser import _capture
from tests.factories import make_investor, make_order, make_staff, unique
from tests.messages import otp_code_sent_to

pytestmark = [pytest.mark.browser, pytest.mark.live]
PASSWORD = "investor-pass-2026"


def _web_sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail or mobile number").fill(email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()


def test_redeem_from_a_holding_with_the_folio_filled_in(
    page,
    live_server,
    live_alpha,
    sandbox_gateways,  # noqa: F811 - the fixture imported above
    funds,  # noqa: F811
    screenshot,
):
    from apps.orders.models import Order
    from apps.portfolio.services.ledger import transaction_record

    def capture(name: str) -> None:
        _capture(page, lambda tab, shot: screenshot(tab, shot.replace("web-onboarding-", "redeem-", 1)), name)

    email = f"{unique('redeem')}@example.test"
    investor = make_investor(live_alpha, ready_to_invest=True, full_name=unique("Meera Redeem"), email=email,
                             user__email=email, password=PASSWORD)  # fmt: skip
    equity = funds["equity"]
    with tenant_context(live_alpha):
        transaction_record(
            investor=investor, scheme=equity, folio_number="REDEEM/77", kind="purchase",
            trade_date=date.today() - timedelta(days=400), amount=Decimal("25000"), units=Decimal("500"),
            nav=Decimal("50"), source="rta", source_ref=unique("cams:redeem"),
        )  # fmt: skip

    # the investor opens the portfolio and taps Redeem on the holding
    _web_sign_in(page, live_server.url("alpha.localhost", "/login/?next=/web/"), email)
    page.wait_for_url("**/web/")
    holding = page.get_by_test_id("web-holdings").locator("tr", has_text=equity.name)
    capture("portfolio")
    holding.get_by_role("link", name="Redeem").click()

    # the order page has the fund, the kind and the only folio chosen; the investor types the units
    page.wait_for_url("**/web/orders/new/?kind=redemption&scheme=*")
    assert page.get_by_test_id("picker-scheme-chosen").inner_text().startswith(equity.name)
    assert page.get_by_label("Order type").input_value() == "redemption"
    assert page.get_by_label("Folio").input_value() == "REDEEM/77"
    assert page.locator("input[name=amfi_code]").get_attribute("type") == "hidden"
    page.get_by_label("Units").fill("600")  # more than is held: refused beside the form, nothing written
    page.get_by_role("button", name="Place the order").click()
    assert "Not enough units free to sell" in page.content()
    with tenant_context(live_alpha):
        assert not Order.objects.filter(investor=investor).exists()
    capture("refused")
    page.get_by_label("Units").fill("120.5")
    page.get_by_role("button", name="Place the order").click()

    # one code confirms it; the order goes to the exchange
    page.wait_for_url("**/web/orders/*/confirm/")
    capture("confirm")
    page.get_by_label("One-time code").fill(otp_code_sent_to(investor.mobile))
    page.get_by_role("button", name="Confirm the order").click()
    with tenant_context(live_alpha):
        order = Order.objects.get(investor=investor)
        assert order.kind == "redemption" and order.units == Decimal("120.5") and order.folio_number == "REDEEM/77"
        assert order.status not in ("pending_otp", "cancelled", "failed"), order.status

    # its page tells the investor where it stands
    page.goto(live_server.url("alpha.localhost", f"/web/orders/{order.public_id}/"))
    assert order.client_ref in page.get_by_test_id("web-order-detail").inner_text()
    capture("order")


def test_a_relationship_manager_sees_exactly_the_investors_assigned_to_them(page, live_server, live_alpha, screenshot):
    def capture(name: str) -> None:
        _capture(page, lambda tab, shot: screenshot(tab, shot.replace("web-onboarding-", "rm-", 1)), name)

    owner = make_staff(live_alpha, role="owner")
    rm = make_staff(live_alpha, role="rm", full_name=unique("Ravi RM"))
    tag = unique("Book")
    mine = [make_investor(live_alpha, full_name=f"{tag} Mine {n}", verified=True) for n in range(3)]
    others = [make_investor(live_alpha, full_name=f"{tag} Other {n}", verified=True) for n in range(2)]
    order_of_other = make_order(live_alpha, others[0], mine_scheme := _a_scheme(), status="successful")
    order_of_mine = make_order(live_alpha, mine[0], mine_scheme, status="successful")

    # the owner ticks three investors and assigns them to the RM
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/?q={tag}"))
    for investor in mine:
        page.get_by_label(f"Choose {investor.full_name}").check()
    page.get_by_label("Assign the ticked investors to").select_option(str(rm.public_id))
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("3 investors now with").wait_for()
    page.context.clear_cookies()

    # the RM signs in: exactly those three, nobody else's page, only their orders
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), rm.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", "/portal/investors/"))
    listed = page.get_by_test_id("investor-table").inner_text()
    assert all(investor.full_name in listed for investor in mine)
    assert not any(investor.full_name in listed for investor in others)
    assert page.get_by_test_id("investor-table").locator("tbody tr").count() == len(mine)
    capture("investors")
    assert page.goto(live_server.url("alpha.localhost", f"/portal/investors/{mine[1].public_id}/")).status == 200
    assert page.goto(live_server.url("alpha.localhost", f"/portal/investors/{others[1].public_id}/")).status == 404
    page.goto(live_server.url("alpha.localhost", "/portal/orders/"))
    orders = page.content()
    assert order_of_mine.client_ref in orders and order_of_other.client_ref not in orders
    capture("orders")


def _a_scheme():
    from tests.factories import SchemeFactory

    return SchemeFactory(orderable=True)
