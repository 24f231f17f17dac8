"""The investor's whole journey in headless Chromium against the live server and the sandbox exchange:
a basket of two purchases (one added from its fund page, one found with the basket page's search; no code
typed) -> one code -> the orders go to the exchange -> one payment on the exchange's
payment page -> the status poller records the allotment -> the order page and the holdings show the units.
Screenshots at desktop (1366 px) and phone (390 px) widths."""

import pytest
from django_tenants.utils import tenant_context

from apps.portal.tests.conftest import sign_in
from tests.factories import make_investor, make_staff, unique
from tests.messages import otp_code_sent_to

pytestmark = [pytest.mark.browser, pytest.mark.live]
PASSWORD = "investor-pass-2026"


def _both_widths(tab, screenshot, name):
    for width, label in ((1366, "desktop"), (390, "phone")):
        tab.set_viewport_size({"width": width, "height": 900})
        # no page-level horizontal scrolling at either width (once charts have followed the resize)
        for _ in range(25):
            if tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
                break
            tab.wait_for_timeout(200)
        else:
            raise AssertionError(f"{name} scrolls sideways at {width}px")
        screenshot(tab, f"{name}-{label}")
    tab.set_viewport_size({"width": 1366, "height": 900})


def add_from_fund_page(tab, scheme) -> None:
    """On a fund's page: "Add to basket" lands on the basket page with the fund listed by name."""
    tab.get_by_test_id("fund-add-to-basket").click()
    tab.wait_for_url("**/web/orders/basket/")
    assert scheme.name in tab.get_by_test_id("web-basket-form").inner_text()


def add_by_search(tab, query: str, scheme) -> None:
    """On the basket page: search the funds, then "Add" beside the one wanted."""
    tab.get_by_label("Search funds by name or fund house").fill(query)
    tab.get_by_test_id("basket-add").get_by_role("button", name="Search").click()
    tab.wait_for_url("**/web/orders/basket/?q=*")
    tab.get_by_role("button", name=f"Add {scheme.name}", exact=True).click()
    tab.wait_for_url("**/web/orders/basket/")
    assert scheme.name in tab.get_by_test_id("web-basket-form").inner_text()


def fill_amounts(tab, amounts: dict) -> None:
    """The amount beside each fund, found by the fund's name in its row."""
    rows = tab.get_by_test_id("basket-row")
    assert rows.count() == len(amounts)
    for scheme, amount in amounts.items():
        rows.filter(has_text=scheme.name).get_by_label("Amount").fill(amount)
    assert tab.locator('input[name$="-amfi_code"]:not([type="hidden"])').count() == 0


def test_basket_of_two_purchases_one_code_payment_allotment_holdings(
    browser, page, live_server, live_alpha, sandbox_gateways, funds, screenshot
):
    from apps.accounts.notifiers import LocmemNotifier
    from apps.orders.models import Order, OrderBasket
    from apps.orders.services.polling import orders_poll_open

    email = f"{unique('basket')}@example.test"
    investor = make_investor(live_alpha, ready_to_invest=True, full_name=unique("Kavya Basket"), email=email,
                             user__email=email, password=PASSWORD)  # fmt: skip
    equity, equity2 = funds["equity"], funds["equity2"]

    # the investor signs in and splits ₹15,000 over two funds
    # the first fund from its page, the second from the basket page's search: no code typed
    page.goto(live_server.url("alpha.localhost", f"/login/?next=/web/funds/{equity.amfi_code}/"))
    page.get_by_label("E-mail or mobile number").fill(email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()
    page.wait_for_url(f"**/web/funds/{equity.amfi_code}/")
    add_from_fund_page(page, equity)
    add_by_search(page, "equity2", equity2)
    fill_amounts(page, {equity: "10000", equity2: "5000"})
    _both_widths(page, screenshot, "web-basket-place")
    LocmemNotifier.outbox.clear()
    page.get_by_role("button", name="Continue to confirm").click()

    # one code, whose text names what it confirms
    page.wait_for_url("**/web/orders/baskets/**")
    texts = [m.body for m in LocmemNotifier.outbox if m.target == investor.mobile.strip().lower()]
    assert len(texts) == 1 and "to confirm 2 purchases totalling ₹15,000" in texts[0]
    assert "2 orders · ₹15,000.00" in page.get_by_test_id("web-basket").inner_text()
    _both_widths(page, screenshot, "web-basket-otp")
    page.get_by_label("One-time code").fill(otp_code_sent_to(investor.mobile))
    page.get_by_role("button", name="Confirm 2 orders").click()

    # the outbox sent both orders to the exchange, which accepted them: one payment for both
    page.get_by_role("button", name="Pay ₹15,000.00 at the exchange").wait_for()
    statuses = page.get_by_test_id("web-basket-order-status").all_inner_texts()
    assert statuses == ["Accepted by the exchange. Waiting for the payment."] * 2
    _both_widths(page, screenshot, "web-basket-confirmed")
    page.get_by_role("button", name="Pay ₹15,000.00 at the exchange").click()

    # the exchange's payment page (the sandbox BSE on loopback) takes the money and sends the investor back
    page.wait_for_url("**/sandbox/bse/pay/**")
    assert "2 order(s), total Rs 15000.00" in page.content()
    screenshot(page, "sandbox-bse-payment")
    page.get_by_role("button", name="Pay Rs 15000.00").click()
    page.wait_for_url("**/web/orders/baskets/**")

    # the status poller learns of the payment and the allotment
    with tenant_context(live_alpha):
        orders_poll_open()
        basket = OrderBasket.objects.get(investor=investor)
        orders = list(Order.objects.filter(basket=basket).order_by("id"))
        assert [o.status for o in orders] == ["successful", "successful"], [
            list(o.events.values_list("message", flat=True)) for o in orders
        ]

    # the order page tells the story; the holdings show the units
    page.reload()
    page.get_by_role("link", name=equity.name).click()
    page.wait_for_url(f"**/web/orders/{orders[0].public_id}/")
    detail = page.get_by_test_id("web-order-detail").inner_text()
    assert "Units allotted." in detail and orders[0].client_ref in detail
    assert page.get_by_test_id("web-order-allotted").inner_text().startswith(f"{orders[0].allotted_units:.3f} units")
    assert "Received" in page.get_by_test_id("web-order-payment").inner_text()
    timeline = page.get_by_test_id("order-timeline").inner_text()
    for step in ("Placed", "Queued", "Sent to BSE StAR MF", "Waiting for payment", "Payment received", "Successful"):
        assert step in timeline, step
    assert "IST" in timeline
    _both_widths(page, screenshot, "web-order-allotted")

    page.goto(live_server.url("alpha.localhost", "/web/"))
    holdings = page.get_by_test_id("web-holdings").inner_text()
    assert equity.name in holdings and equity2.name in holdings
    assert f"{orders[0].allotted_units:.3f}" in holdings and f"{orders[1].allotted_units:.3f}" in holdings
    _both_widths(page, screenshot, "web-holdings-after-basket")

    # staff follow the same order in the portal, from the orders list, with every exchange call
    owner = make_staff(live_alpha, role="owner")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    staff_page = context.new_page()
    try:
        sign_in(staff_page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
        staff_page.wait_for_url("**/portal/")
        staff_page.goto(live_server.url("alpha.localhost", "/portal/orders/"))
        staff_page.get_by_role("link", name=orders[0].client_ref).click()
        staff_page.wait_for_url(f"**/portal/orders/{orders[0].public_id}/")
        assert "Units allotted." in staff_page.get_by_test_id("portal-order-words").inner_text()
        assert "Call MFOrder.orderEntryParam" in staff_page.get_by_test_id("order-timeline").inner_text()
        _both_widths(staff_page, screenshot, "portal-order-detail")
    finally:
        context.close()
