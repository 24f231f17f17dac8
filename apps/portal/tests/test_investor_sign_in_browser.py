"""The investor sign-in page (apps/oauth) in headless Chromium, here beside the one shared browser: Enter in
the password field signs in with the password; "Forgot password?" resets it with a code, every error beside
its field. At 1366 px and 390 px."""

import pytest

from tests.factories import PASSWORD, make_investor, unique
from tests.messages import otp_code_sent_to

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOST = "alpha.localhost"
NEW_PASSWORD = "a-brand-new-passphrase-42"
VIEWPORTS = pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["1366", "390"])


@VIEWPORTS
def test_enter_in_the_password_field_signs_in(page, live_server, live_alpha, screenshot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    investor = make_investor(live_alpha, email=f"{unique('enterkey')}@example.test".lower(), verified=True)
    page.goto(live_server.url(HOST, "/"))
    page.get_by_test_id("investor-sign-in").click()
    page.wait_for_url("**/login/**")
    page.get_by_label("E-mail or mobile number").fill(investor.user.email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, f"investor-login-password-{width}")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/web/**")
    assert "/login/" not in page.url
    screenshot(page, f"investor-signed-in-after-enter-{width}")


@VIEWPORTS
def test_forgot_password_resets_it_with_a_code_then_the_new_one_signs_in(
    page, live_server, live_alpha, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    investor = make_investor(live_alpha)
    page.goto(live_server.url(HOST, "/login/"))
    page.get_by_text("Use my password instead").click()
    page.get_by_test_id("forgot-password").click()
    page.get_by_label("E-mail or mobile number").fill(investor.user.email)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_label("Code").wait_for()
    page.get_by_label("Code").fill(otp_code_sent_to(investor.user.email))
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("short")
    page.get_by_role("button", name="Set the new password").click()
    page.locator("#new_password_error").wait_for()
    # the code, not spent by a refused password, stays in the form
    assert page.get_by_label("Code").input_value() != ""
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, f"investor-reset-error-{width}")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    page.get_by_test_id("notice").wait_for()
    screenshot(page, f"investor-reset-done-{width}")
    page.get_by_label("E-mail or mobile number").fill(investor.user.email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    assert "/login/" not in page.url
