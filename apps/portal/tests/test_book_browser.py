"""The book workflows in headless Chromium at desktop (1366 px) and phone (390 px) widths: the owner
ticks investors and assigns them to a relationship manager, copies an invitation link, and asks a
colleague's deactivation with a reason; no page scrolls sideways on a phone."""

import pytest

from apps.portal.tests.conftest import sign_in
from tests.factories import make_investor, make_staff, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
# the elements that stick out of the viewport, to name in a failure
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _both_widths(tab, screenshot, name):
    for width in (1366, 390):
        tab.set_viewport_size({"width": width, "height": 900})
        assert tab.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at {width} px: {tab.evaluate(WIDE_ELEMENTS)}"
        screenshot(tab, f"{name}-{width}")
    tab.set_viewport_size({"width": 1366, "height": 900})


def test_assign_copy_and_deactivate(page, live_server, live_alpha, screenshot):
    owner = make_staff(live_alpha, role="owner")
    rm = make_staff(live_alpha, role="rm", full_name="Ravi Browser")
    colleague = make_staff(live_alpha, role="operations")
    surname = unique("Bookcase")
    first = make_investor(live_alpha, full_name=f"Anu {surname}", verified=True)
    make_investor(live_alpha, full_name=f"Bela {surname}", verified=True)

    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")

    # tick two investors, assign them to Ravi
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/?q={surname}"))
    page.get_by_label(f"Choose Anu {surname}").check()
    page.get_by_label(f"Choose Bela {surname}").check()
    page.get_by_label("Assign the ticked investors to").select_option(label="Ravi Browser")
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("2 investors now with Ravi Browser.").wait_for()
    _both_widths(page, screenshot, "portal-investors-assign")

    # the investor page shows and changes the relationship manager
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/{first.public_id}/"))
    assert page.get_by_label("Change the relationship manager").input_value() == str(rm.public_id)

    # an invitation's link is copied with the button
    page.goto(live_server.url("alpha.localhost", "/portal/investors/invite/"))
    page.get_by_label("Full name").fill("Kiran Copy")
    page.get_by_label("E-mail").fill(f"{unique('kiran')}@example.test")
    page.get_by_label("Mobile").fill("9812300199")
    page.get_by_role("button", name="Send the invitation").click()
    page.goto(live_server.url("alpha.localhost", "/portal/investors/invitations/"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    row = page.locator("tr", has_text="Kiran Copy")
    row.get_by_role("button", name="Copy link").click()
    row.get_by_role("button", name="Copied").wait_for()
    assert "/web/invite/" in page.evaluate("() => navigator.clipboard.readText()")
    _both_widths(page, screenshot, "portal-invitations")

    # deactivating a colleague asks for a reason first
    page.goto(live_server.url("alpha.localhost", "/portal/settings/staff/"))
    panel = page.get_by_test_id(f"staff-deactivate-{colleague.pk}")
    panel.locator("summary").click()
    panel.get_by_label("Reason (kept with their record)").fill("Left the firm in November")
    panel.get_by_role("button", name="Yes, deactivate").click()
    page.get_by_test_id(f"deactivation-{colleague.pk}").get_by_text("Left the firm in November").wait_for()
    _both_widths(page, screenshot, "portal-staff")
