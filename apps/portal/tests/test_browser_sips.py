"""SIPs in headless Chromium against the live server and the sandbox exchange: an investor starts a SIP on
the web with a new mandate (its OTP, its registration, then the SIP's OTP), sees it in their SIP book with
its next debit, and staff see it in the portal's SIP book; staff start a SIP on an investor's behalf with
the scheme picker. Screenshots at 1366 and 390 px."""

import re

import pytest
from django_tenants.utils import tenant_context

from apps.orders.tests.conftest import _gateway_state_clean, funds, sandbox_gateways  # noqa: F401 - fixtures
from apps.portal.tests.conftest import sign_in
from tests.factories import PASSWORD, MandateFactory, make_investor, make_staff, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


# elements (outside scrollable table wrappers) that stick out past the viewport's right edge
WIDER_THAN_THE_VIEWPORT = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"""


def both_widths(tab, screenshot, name):
    for width, label in ((1366, "desktop"), (390, "phone")):
        tab.set_viewport_size({"width": width, "height": 900})
        # no page-level horizontal scrolling at either width
        wide = tab.evaluate(WIDER_THAN_THE_VIEWPORT)
        assert not wide, f"{name} at {width}: {wide}"
        screenshot(tab, f"{name}-{label}")
    tab.set_viewport_size({"width": 1366, "height": 900})


def code_sent_to(target: str) -> str:
    from apps.accounts.notifiers import LocmemNotifier

    message = next(m for m in reversed(LocmemNotifier.outbox) if m.target == target.strip().lower())
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_investor_starts_a_sip_with_a_new_mandate_and_staff_see_it_in_the_sip_book(
    browser,
    page,
    live_server,
    live_alpha,
    sandbox_gateways,  # noqa: F811 - the fixture imported above
    funds,  # noqa: F811
    screenshot,
):
    from apps.accounts.notifiers import LocmemNotifier
    from apps.orders.models import SipRegistration

    email = f"{unique('sipper')}@example.test"
    investor = make_investor(live_alpha, ready_to_invest=True, full_name=unique("Sita Sipper"), email=email,
                             user__email=email, password=PASSWORD)  # fmt: skip
    scheme = funds["equity"]
    LocmemNotifier.outbox.clear()

    # the investor signs in and opens the SIP form for a scheme
    page.goto(live_server.url("alpha.localhost", f"/login/?next=/web/sips/new/%3Fscheme%3D{scheme.amfi_code}"))
    page.get_by_label("E-mail or mobile number").fill(email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()
    page.wait_for_url("**/web/sips/new/**")
    assert scheme.name in page.get_by_test_id("sip-scheme").inner_text()

    # a first try with too small an amount is refused beside the field
    page.get_by_label("Instalment amount (₹)").fill("100")
    page.get_by_label("First instalment in").select_option(index=1)
    page.get_by_label("SIP date").select_option("10")
    page.get_by_label("Number of instalments").fill("12")
    page.get_by_label("Register a new mandate").check()
    page.get_by_label("Bank account for the new mandate").select_option(index=1)
    page.get_by_label("New mandate's limit per debit (₹)").fill("25000")
    page.get_by_role("button", name="Continue").click()
    assert "must be at least ₹500" in page.locator("#id_amount_error").inner_text()
    both_widths(page, screenshot, "web-sip-new-errors")

    page.get_by_label("Instalment amount (₹)").fill("1000")
    page.get_by_label("Register a new mandate").check()
    page.get_by_role("button", name="Continue").click()

    # step 1: the mandate's OTP, then its registration at the exchange
    page.wait_for_url("**/web/sips/mandates/*/")
    assert page.get_by_test_id("web-mandate-status").inner_text() == "Waiting for your OTP"
    both_widths(page, screenshot, "web-sip-mandate-otp")
    page.get_by_label("One-time code").fill(code_sent_to(investor.mobile))
    page.get_by_role("button", name="Register the mandate").click()
    page.get_by_test_id("sip-continue").wait_for(timeout=30_000)
    assert page.get_by_test_id("web-mandate-status").inner_text() in ("Registered, waiting for the bank", "Approved")
    both_widths(page, screenshot, "web-sip-mandate-registered")

    # step 2: the SIP's own OTP
    page.get_by_test_id("sip-continue").click()
    page.wait_for_url("**/web/sips/*/")
    assert page.get_by_test_id("web-sip-status").inner_text() == "Waiting for your OTP"
    page.get_by_label("One-time code").fill(code_sent_to(investor.mobile))
    page.get_by_role("button", name="Confirm the SIP").click()
    page.wait_for_load_state()
    with tenant_context(live_alpha):
        sip = SipRegistration.objects.get(investor=investor)
        assert sip.status == "active" and sip.exchange_reg_id  # registered at the sandbox exchange
        due = sip.instalment_rows.get(number=1).due_date
    both_widths(page, screenshot, "web-sip-detail")

    # the SIP book lists it with its next debit
    page.get_by_role("navigation", name="Main").get_by_role("link", name="SIPs").click()
    row = page.get_by_test_id("web-sip-row")
    assert scheme.name in row.inner_text() and row.get_by_test_id("web-sip-status").inner_text() == "Active"
    next_debit = row.get_by_test_id("web-sip-next").inner_text()
    assert next_debit != "—" and str(due.year) in next_debit
    both_widths(page, screenshot, "web-sips")

    # staff see it in the portal's SIP book
    owner = make_staff(live_alpha, role="owner")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    staff_page = context.new_page()
    try:
        sign_in(staff_page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
        staff_page.wait_for_url("**/portal/")
        staff_page.get_by_role("navigation", name="Main").get_by_role("link", name="SIPs").click()
        book = staff_page.get_by_test_id("sip-table")
        assert investor.full_name in book.inner_text()
        staff_row = staff_page.get_by_test_id("sip-row").filter(has_text=investor.full_name)
        assert staff_row.get_by_test_id("sip-next").inner_text() == next_debit
        both_widths(staff_page, screenshot, "portal-sips")
        staff_row.get_by_role("link", name=scheme.name).click()
        assert staff_page.get_by_test_id("portal-sip-status").inner_text() == "Active"
        both_widths(staff_page, screenshot, "portal-sip-detail")
    finally:
        context.close()


def test_staff_start_a_sip_on_behalf_with_the_scheme_picker(page, live_server, live_alpha, screenshot):
    from decimal import Decimal

    from apps.orders.models import SipRegistration
    from tests.factories import SchemeFactory

    scheme = SchemeFactory(orderable=True, name=unique("Picker Bluechip Fund"), min_sip=Decimal("500"))
    investor = make_investor(live_alpha, ready_to_invest=True, full_name=unique("Ravi Behalf"))
    rm = make_staff(live_alpha, role="rm")
    with tenant_context(live_alpha):
        investor.relationship_manager = rm
        investor.save(update_fields=["relationship_manager"])
        MandateFactory(investor=investor, status="approved", exchange_mandate_id="1200555")

    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), rm.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/{investor.public_id}/"))
    page.get_by_test_id("investor-sip-start").click()
    page.get_by_label("Find a scheme (name or AMFI code)").fill(scheme.name.split(" - ")[0])
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("sip-scheme-picks").get_by_role("link", name=scheme.name).click()
    assert scheme.name in page.get_by_test_id("sip-scheme").inner_text()
    page.get_by_label("Instalment amount (₹)").fill("1500")
    page.get_by_label("First instalment in").select_option(index=2)
    page.get_by_label("Mandate 1200555", exact=False).check()
    both_widths(page, screenshot, "portal-sip-start")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/portal/sips/*/")
    assert page.get_by_test_id("portal-sip-status").inner_text() == "Waiting for the investor's OTP"
    both_widths(page, screenshot, "portal-sip-on-behalf")
    with tenant_context(live_alpha):
        sip = SipRegistration.objects.get(investor=investor)
        assert sip.placed_by_id == rm.user_id and sip.status == "pending_otp" and sip.amount == Decimal("1500")
