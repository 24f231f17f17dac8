"""The investor's whole onboarding on the web, in headless Chromium against the live server and the
sandbox KRA: an invitation accepted, the checklist, details, KYC verified, a bank account confirmed with a
code, nomination opt-out, FATCA, then the portfolio; and the same checklist on the staff's investor page.
Each page is captured at 1366 and 390 px wide (artifacts/screenshots/) and must not scroll sideways on a
phone."""

import re

import pytest
import requests
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor
from apps.portal.tests.conftest import sign_in
from tests.clients import staff_api
from tests.factories import make_staff, pan_with, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]

WIDTHS = {"desktop": 1366, "phone": 390}
# names the elements that stick out, so that a failure says where
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map(e => `${e.tagName}.${e.className}`)"""


def _code_sent_to(target: str) -> str:
    from apps.accounts.notifiers import LocmemNotifier

    message = next(m for m in reversed(LocmemNotifier.outbox) if m.target == target)
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _capture(tab, screenshot, name: str) -> None:
    """Screenshots at both widths; at 390 px the page itself must not scroll sideways."""
    for label, width in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": 900})
        if label == "phone":
            overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            wide = tab.evaluate(WIDER_THAN_THE_PAGE)
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px: {wide}"
        screenshot(tab, f"web-onboarding-{name}-{width}")
    tab.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_invitation_to_portfolio_through_every_onboarding_step(page, live_server, live_alpha, screenshot, settings):
    kra_url = live_server.url("localhost", "/sandbox/kra/")
    settings.KRA_BASE_URL, settings.KRA_MAX_ATTEMPTS = kra_url, 1
    name, email, pan = "Kavya Shah", f"{unique('kavya')}@example.test", pan_with("1357")
    owner = make_staff(live_alpha, role="owner")
    invited = staff_api(owner).post("/api/v1/staff/invitations", {"full_name": name, "email": email}, format="json")
    link = live_server.url("alpha.localhost", "/invite/" + invited.json()["link"].split("/invite/", 1)[1])

    # the invitation: a code to the invited e-mail creates the account, then the checklist
    page.goto(link)
    page.get_by_role("button", name="Send me the code").click()
    page.get_by_label("Code we sent you").fill(_code_sent_to(email))
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/web/onboarding/")
    assert page.locator('[data-step="kyc"]').get_attribute("data-state") == "blocked"
    _capture(page, screenshot, "checklist")

    # details, as on the PAN card
    page.get_by_test_id("onboarding-next").click()
    page.wait_for_url("**/web/onboarding/profile/")
    page.locator("#id_pan").fill("ABC")
    page.get_by_label("Date of birth").fill("1990-06-15")
    page.get_by_role("button", name="Save my details").click()
    assert page.locator("#id_pan_error").is_visible()  # the error beside its field
    _capture(page, screenshot, "profile-errors")
    page.locator("#id_pan").fill(pan)
    page.get_by_label("Occupation").select_option("professional")
    page.locator("#id_address_line1").fill("12 MG Road")
    page.get_by_label("City").fill("Pune")
    page.get_by_label("State").fill("Maharashtra")
    page.get_by_label("PIN code").fill("411001")
    page.get_by_role("button", name="Save my details").click()

    # KYC: the KRA has this person under the PAN (its own spelling and order)
    page.wait_for_url("**/web/onboarding/kyc/")
    assert page.get_by_test_id("kyc-status").inner_text() == "Pending"
    _capture(page, screenshot, "kyc-pending")
    requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "SHAH KAVYA"}, timeout=5)
    page.get_by_test_id("kyc-check").click()

    # the bank account, confirmed with a code
    page.wait_for_url("**/web/onboarding/bank/")
    page.get_by_label("Account number").fill("50100123456789")
    page.get_by_label("IFSC").fill("hdfc0001234")
    _capture(page, screenshot, "bank")
    page.get_by_role("button", name="Send me a code").click()
    assert "HDFC Bank (HDFC0001234), account ending 6789" in page.get_by_test_id("bank-code-step").inner_text()
    _capture(page, screenshot, "bank-code")
    page.get_by_label("Code we sent you").fill(_code_sent_to(email))
    page.get_by_role("button", name="Confirm").click()

    # nomination: opt out
    page.wait_for_url("**/web/onboarding/nominees/")
    _capture(page, screenshot, "nominees")
    page.get_by_label("I do not want to name a nominee").check()
    page.get_by_role("button", name="Save my nomination").click()

    # FATCA
    page.wait_for_url("**/web/onboarding/fatca/")
    page.get_by_label("Place (city) of birth").fill("Kochi")
    page.get_by_label("Yearly income").select_option("10l_25l")
    page.get_by_label("Source of wealth").select_option("salary")
    page.locator('input[name="politically_exposed"][value="no"]').check()
    page.locator('input[name="tax_resident_outside_india"][value="no"]').check()
    _capture(page, screenshot, "fatca")
    page.get_by_role("button", name="Declare").click()

    # every step done: on to the portfolio
    page.wait_for_url("**/web/onboarding/")
    states = page.locator("[data-step]").evaluate_all("items => items.map(i => i.dataset.state)")
    assert states == ["done"] * 5
    _capture(page, screenshot, "complete")
    page.get_by_role("link", name="Go to your portfolio").click()
    page.wait_for_url("**/web/")
    assert name in page.locator("h1").inner_text()
    _capture(page, screenshot, "portfolio")

    # staff see the same checklist on the investor's page
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")
    with tenant_context(live_alpha):
        investor = Investor.objects.get(user__email=email)
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/{investor.public_id}/"))
    card = page.get_by_test_id("investor-onboarding")
    assert card.locator("[data-state=done]").count() == 5
    card.scroll_into_view_if_needed()
    _capture(page, screenshot, "portal-investor")
