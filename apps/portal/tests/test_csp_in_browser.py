"""The Content-Security-Policy holds in a real browser: every portal page, the investor pages and the API
docs render with scripts and styles from our own files, and Chromium reports no violation."""

import pytest

from apps.portal.tests.conftest import sign_in
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.live]


def _collect_csp_violations(page) -> list[str]:
    violations: list[str] = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text[:200]}")

    page.on("console", record)
    return violations


def test_portal_pages_and_api_docs_render_under_the_csp(page, live_server, live_alpha):
    violations = _collect_csp_violations(page)
    owner = make_staff(live_alpha, role="owner")
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")
    for path in ("/portal/", "/portal/investors/", "/portal/orders/", "/portal/settings/branding/", "/login/"):
        assert page.goto(live_server.url("alpha.localhost", path)).status == 200
        page.wait_for_load_state("networkidle")
    # the dashboard's charts and the branding page's live preview are scripts of our own
    page.goto(live_server.url("alpha.localhost", "/portal/settings/branding/"))
    page.get_by_label("Primary colour").fill("#123456")
    page.get_by_label("Primary colour").dispatch_event("input")
    assert "18, 52, 86" in page.locator("#preview-bar").evaluate("e => getComputedStyle(e).backgroundColor")

    page.goto(live_server.url("alpha.localhost", "/api/docs/"))
    page.locator(".swagger-ui .info").wait_for()
    page.goto(live_server.url("alpha.localhost", "/api/redoc/"))
    page.locator("redoc h1, .api-info h1").first.wait_for()

    # ReDoc's bundle shows a "powered by" logo from its vendor's site: the policy blocks it, as it should
    assert [v for v in violations if "redoc/logo-mini.svg" not in v] == []
