"""The investor web family page (browser): the member answers a family request in their own session."""

import pytest
from django_tenants.utils import tenant_context

from apps.portfolio.services.family import family_request_create
from tests.factories import PASSWORD, make_investor, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_the_member_accepts_a_family_request_on_the_web(browser, page, live_server, live_alpha, screenshot):
    owner = make_investor(live_alpha, full_name=unique("Asha Owner"))
    member = make_investor(live_alpha, full_name=unique("Ravi Member"))
    with tenant_context(live_alpha):
        family_request_create(owner=owner, email=member.user.email, relationship="spouse")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url("alpha.localhost", "/login/?next=/web/family/"))
    page.get_by_label("E-mail or mobile number").fill(member.user.email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()
    page.wait_for_url("**/web/family/")
    requests = page.get_by_test_id("family-requests")
    assert owner.full_name in requests.inner_text()
    screenshot(page, "web-family-request-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "web-family-request-390")

    requests.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/web/family/")
    assert f"{owner.full_name} can now see your portfolio" in page.content()
    assert owner.full_name in page.get_by_test_id("family-links").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "web-family-linked-390")
