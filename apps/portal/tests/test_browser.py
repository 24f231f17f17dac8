"""The portal and the investor pages in headless Chromium, against the live server, on two tenants
with different brands. Few tests, each a whole journey; one browser for the session."""

import uuid
from decimal import Decimal

import pytest

from apps.portal.tests.conftest import cas_pdf_for, sign_in
from tests.factories import AmcFactory, SchemeFactory, make_investor, make_staff, random_isin, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_alpha_staff_see_alpha_brand_and_only_alpha_investors(page, live_server, live_alpha, live_beta, screenshot):
    # given an investor at each distributor
    alpha_name, beta_name = unique("Asha Alpha"), unique("Bala Beta")
    make_investor(live_alpha, full_name=alpha_name, verified=True)
    beta_investor = make_investor(live_beta, full_name=beta_name, verified=True)
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
    alpha_investor = make_investor(live_alpha, full_name=unique("Alpha Only"), verified=True)
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


def test_cas_upload_shows_progress_then_holdings(
    page, live_server, live_alpha, screenshot, monkeypatch, settings, tmp_path
):
    import threading

    from django.db import connection
    from django_tenants.utils import tenant_context

    from apps.portfolio import tasks
    from apps.portfolio.services.cas_import import cas_import_process

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    scheme_name = f"Alpha Test Flexi Cap Fund {uuid.uuid4().hex[:6]} - Direct Plan - Growth"
    isin = random_isin()
    amc = AmcFactory(code="alpha-test-mf", name="Alpha Test Mutual Fund")  # the AMC the statement names
    SchemeFactory(name=scheme_name, isin_growth=isin, amc=amc, latest_nav=Decimal("31.25"))
    investor = make_investor(live_alpha, full_name=unique("Chitra Cas"), verified=True)
    statement = tmp_path / "cas.pdf"
    statement.write_bytes(cas_pdf_for(investor, scheme_name=scheme_name, isin=isin))
    owner = make_staff(live_alpha, role="operations")

    # the Celery worker: the import runs a moment after the upload commits, in alpha's schema, so the
    # page is seen polling before it ends
    def worker(import_id):
        try:
            with tenant_context(live_alpha):
                cas_import_process(import_id=import_id)
        finally:
            connection.close()

    monkeypatch.setattr(
        tasks.cas_import_process_task, "delay", lambda import_id: threading.Timer(2.0, worker, [import_id]).start()
    )

    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/{investor.public_id}/"))
    page.get_by_role("link", name="Upload a CAS").click()
    page.get_by_label("CAS statement (PDF)").set_input_files(str(statement))
    page.get_by_label("PDF password").fill(investor.pan)
    page.get_by_role("button", name="Upload and import").click()

    progress = page.get_by_test_id("import-progress")
    assert progress.get_attribute("data-status") in ("queued", "running")
    assert page.locator("progress#import-bar").count() == 1
    screenshot(page, "portal-cas-progress")

    page.locator("[data-testid=import-progress][data-status=done]").wait_for(timeout=30_000)
    assert "new" in page.get_by_test_id("import-summary").inner_text()
    screenshot(page, "portal-cas-done")
    page.get_by_role("link", name="See the holdings").click()
    assert scheme_name in page.get_by_test_id("holdings-table").inner_text()
    screenshot(page, "portal-investor-holdings")


def test_invite_register_with_otp_then_portfolio_is_visible(browser, page, live_server, live_alpha, screenshot):
    import re

    from apps.accounts.notifiers import LocmemNotifier

    owner = make_staff(live_alpha, role="owner")
    name, email = unique("Deepa Invitee"), f"{unique('deepa')}@example.test"

    # staff invite
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", "/portal/investors/invite/"))
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send the invitation").click()
    link = page.get_by_test_id("invite-link").input_value()
    assert link.startswith(live_server.url("alpha.localhost", "/web/invite/"))

    # the investor, in their own browser session, proves the e-mail with the code and registers
    context = browser.new_context()
    investor_page = context.new_page()
    try:
        investor_page.goto(link)
        assert name in investor_page.content()
        LocmemNotifier.outbox.clear()
        investor_page.get_by_role("button", name="Send me the code").click()
        message = next(m for m in reversed(LocmemNotifier.outbox) if m.target == email)
        code = re.search(r"\b(\d{6})\b", message.body).group(1)
        investor_page.get_by_label("Code we sent you").fill(code)
        investor_page.get_by_label("Choose a password (optional)").fill("a-long-password-2026")
        investor_page.get_by_role("button", name="Create my account").click()

        investor_page.wait_for_url("**/web/onboarding/")  # nothing done yet: the checklist first
        investor_page.goto(live_server.url("alpha.localhost", "/web/"))
        assert name in investor_page.locator("h1").inner_text()
        assert investor_page.get_by_test_id("web-summary").is_visible()
        assert investor_page.get_by_test_id("web-no-holdings").is_visible()
        screenshot(investor_page, "web-portfolio-new-investor")

        # the link is single-use
        response = investor_page.goto(link)
        assert response.status == 404
    finally:
        context.close()

    # and the new investor is in alpha's list, with the inviter's book
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/?q={name}"))
    assert name in page.get_by_test_id("investor-table").inner_text()


def test_order_placed_on_behalf_waits_for_the_investors_otp(page, live_server, live_alpha, screenshot):
    from django_tenants.utils import tenant_context

    from apps.orders.models import ExchangeAttempt, Order, OutboxMessage

    scheme = SchemeFactory(orderable=True, name=unique("Behalf Flexi Cap Fund"))
    investor = make_investor(live_alpha, ready_to_invest=True, full_name=unique("Devi Behalf"))
    rm = make_staff(live_alpha, role="rm")
    with tenant_context(live_alpha):
        investor.relationship_manager = rm
        investor.save(update_fields=["relationship_manager"])

    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), rm.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/{investor.public_id}/"))
    page.get_by_role("link", name="Place an order").click()
    # the fund is found with the picker's search and chosen from its results (no AMFI code typed)
    page.get_by_label("Search funds by name or fund house").fill(scheme.name.split(" - ")[0])
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("picker-scheme-results").get_by_role("link", name=scheme.name).click()
    assert page.get_by_test_id("picker-scheme-chosen").inner_text().startswith(scheme.name)
    page.get_by_label("Order type").select_option("purchase")
    page.get_by_label("Amount").fill("2500")
    screenshot(page, "portal-order-on-behalf")
    page.get_by_role("button", name="Place the order").click()

    page.wait_for_url(f"**/portal/investors/{investor.public_id}/#orders")
    assert "waits for" in page.content()
    status = page.get_by_test_id("investor-orders-table").get_by_test_id("order-status")
    assert status.inner_text() == "Waiting for the investor's OTP"
    screenshot(page, "portal-order-waiting-for-otp")

    with tenant_context(live_alpha):
        order = Order.objects.get(investor=investor)
        assert order.status == "pending_otp" and order.placed_by_id == rm.user_id
        assert not OutboxMessage.objects.filter(order=order).exists()
        assert not ExchangeAttempt.objects.filter(order=order).exists()
