"""Two-step sign-in set-up in headless Chromium: where the distributor requires it, a staff member without
an authenticator lands on the set-up page right after the password, scans the QR code (here: reads the key),
turns it on with a code and is shown the backup codes; at 1366 px and 390 px, with no sideways scrolling."""

import time

import pytest

from apps.accounts import totp
from apps.portal.tests.conftest import sign_in
from tenants.lookup import tenant_lookup_invalidate
from tenants.models import Distributor
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture
def alpha_requires_totp(live_alpha):
    Distributor.objects.filter(pk=live_alpha.pk).update(staff_totp_required=True)
    tenant_lookup_invalidate()
    yield live_alpha
    Distributor.objects.filter(pk=live_alpha.pk).update(staff_totp_required=False)  # live writes persist
    tenant_lookup_invalidate()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["1366", "390"])
def test_required_enrolment_with_qr_code_then_backup_codes(
    page, live_server, alpha_requires_totp, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    member = make_staff(alpha_requires_totp, role="operations")
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), member.user.email)

    # straight to the set-up page, which says why
    page.wait_for_url("**/portal/security/")
    assert page.get_by_test_id("enrol-required").is_visible()
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.wait_for_url("**/portal/security/")

    qr = page.locator("svg.totp-qr")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert _no_sideways_scroll(page)
    screenshot(page, f"portal-totp-enrol-{width}")

    # any other page sends the member back here
    page.goto(live_server.url("alpha.localhost", "/portal/investors/"))
    page.wait_for_url("**/portal/security/")

    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(totp.totp_at(secret, time.time()))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_test_id("backup-codes").wait_for()
    assert page.get_by_test_id("backup-codes").locator("li").count() == 10
    assert _no_sideways_scroll(page)
    screenshot(page, f"portal-totp-backup-codes-{width}")

    # and the portal opens
    page.get_by_role("link", name="I have saved them").click()
    page.goto(live_server.url("alpha.localhost", "/portal/"))
    page.wait_for_url("**/portal/")
