"""The portal and the investor pages in headless Chromium, against the live server, on two tenants
with different brands. Few tests, each a whole journey; one browser for the session."""

import pytest

from apps.portal.tests.conftest import make_investor, make_staff, sign_in, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_alpha_staff_see_alpha_brand_and_only_alpha_investors(page, live_server, live_alpha, live_beta, screenshot):
    # given an investor at each distributor
    alpha_name, beta_name = unique("Asha Alpha"), unique("Bala Beta")
    make_investor(live_alpha, full_name=alpha_name)
    beta_investor = make_investor(live_beta, full_name=beta_name)
    owner = make_staff(live_alpha, role="owner")

    # when alpha's owner signs in
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)

    # then the portal wears alpha's brand
    page.wait_for_url("**/portal/")
    bar = page.locator("header.brand-bar")
    assert bar.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(live_alpha.branding.primary_color)
    assert page.get_by_test_id("brand-name").inner_text() == live_alpha.branding.display_name
    screenshot(page, "portal-dashboard-alpha")

    # and the investor list holds alpha's investor, never beta's
    page.get_by_role("link", name="Investors").click()
    page.get_by_label("Search").fill(alpha_name)
    page.get_by_role("button", name="Filter").click()
    table = page.get_by_test_id("investor-table")
    assert alpha_name in table.inner_text()
    page.get_by_label("Search").fill(beta_name)
    page.get_by_role("button", name="Filter").click()
    assert beta_name not in page.get_by_test_id("investor-table").inner_text()
    screenshot(page, "portal-investors-alpha")

    # and beta's investor's page does not exist on alpha's host
    response = page.goto(live_server.url("alpha.localhost", f"/portal/investors/{beta_investor.public_id}/"))
    assert response.status == 404


def test_beta_staff_get_404_on_alpha_investor_urls(page, live_server, live_alpha, live_beta, screenshot):
    alpha_investor = make_investor(live_alpha, full_name=unique("Alpha Only"))
    beta_owner = make_staff(live_beta, role="owner")

    sign_in(page, live_server.url("beta.localhost", "/portal/login/"), beta_owner.user.email)
    page.wait_for_url("**/portal/")
    bar = page.locator("header.brand-bar")
    assert bar.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(live_beta.branding.primary_color)
    screenshot(page, "portal-dashboard-beta")

    response = page.goto(live_server.url("beta.localhost", f"/portal/investors/{alpha_investor.public_id}/"))
    assert response.status == 404
    assert alpha_investor.full_name not in page.content()
    # the beta session is no key to alpha's host either
    response = page.goto(live_server.url("alpha.localhost", f"/portal/investors/{alpha_investor.public_id}/"))
    assert "/portal/login/" in page.url
