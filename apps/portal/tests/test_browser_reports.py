"""Tax, statements and goals in headless Chromium against the live server: the investor reads their
capital gains, asks for a PDF statement and watches it render, and sets up a goal; staff see the same on
the investor's page. Screenshots at desktop (1366 px) and phone (390 px) widths."""

import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from apps.portal.tests.conftest import sign_in
from tests.factories import make_investor, make_staff, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]
PASSWORD = "investor-pass-2026"


def _ledger(tenant, investor):
    """An equity fund bought in 2022 and partly sold in FY 2024-25 (112A); a debt fund bought after
    1-Apr-2023 and sold (50AA)."""
    from apps.funds.models import Amc, Scheme
    from apps.portfolio.services import transaction_record
    from apps.portfolio.services.valuation import holdings_revalue

    amc, _ = Amc.objects.get_or_create(code="browser-tax-amc", defaults={"name": "Browser Tax Mutual Fund"})
    schemes = {}
    for key, asset, nav in (("equity", "equity", "40"), ("debt", "debt", "11")):
        code = str(uuid.uuid4().int % 10**9)
        schemes[key] = Scheme.objects.create(
            amfi_code=code, isin_growth=f"INFB{code[:7]:0>7}X", name=f"Browser {key.title()} Fund {code[:4]} - Growth",
            amc=amc, asset_class=asset, latest_nav=Decimal(nav), latest_nav_date=date(2026, 8, 18),
        )  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    lines = [
        ("equity", "purchase", date(2022, 4, 4), "100000", "5000"),
        ("equity", "redemption", date(2024, 10, 7), "-60000", "-2000"),
        ("debt", "purchase", date(2023, 6, 1), "50000", "5000"),
        ("debt", "redemption", date(2024, 6, 3), "-26000", "-2500"),
    ]
    with tenant_context(tenant):
        for i, (key, kind, day, amount, units) in enumerate(lines):
            transaction_record(
                investor=investor, scheme=schemes[key], folio_number="BT1", kind=kind, trade_date=day,
                amount=Decimal(amount), units=Decimal(units), nav=abs(Decimal(amount) / Decimal(units)),
                source="order", source_ref=f"browser-tax-{tag}-{i}",
            )  # fmt: skip
        holdings_revalue(holdings=list(investor.holdings.select_related("scheme")))
    return schemes


def _both_widths(tab, screenshot, name):
    for width, label in ((1366, "desktop"), (390, "phone")):
        tab.set_viewport_size({"width": width, "height": 900})
        screenshot(tab, f"{name}-{label}")
    tab.set_viewport_size({"width": 1366, "height": 900})


def test_investor_reads_gains_gets_a_statement_and_sets_a_goal(
    page, live_server, live_alpha, screenshot, monkeypatch, settings, tmp_path
):
    from apps.reports import tasks
    from apps.reports.rendering import statement_render

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    csp_violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(f"{page.url}: {m.text}"))
    email = f"{unique('tax')}@example.test"
    investor = make_investor(
        live_alpha, full_name=unique("Esha Tax"), email=email, user__email=email, password=PASSWORD
    )
    _ledger(live_alpha, investor)

    # the statements queue's worker: renders a moment after the request commits, so the bar is seen moving
    def worker(statement_id):
        try:
            with tenant_context(live_alpha):
                statement_render(statement_id=statement_id)
        finally:
            connection.close()

    monkeypatch.setattr(tasks.statement_render_task, "delay", lambda pk: threading.Timer(1.5, worker, [pk]).start())

    # the investor signs in and opens the tax page
    page.goto(live_server.url("alpha.localhost", "/login/?next=/web/tax/%3Ffy%3D2024-25"))
    page.get_by_label("E-mail or mobile number").fill(email)
    page.get_by_text("Use my password instead").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()
    page.wait_for_url("**/web/tax/**")
    gains = page.get_by_test_id("capital-gains")
    assert "Capital gains, FY 2024-25" in gains.inner_text()
    summary = page.get_by_test_id("cg-summary").inner_text()
    assert "112A" in summary and "50AA" in summary
    assert "1,25,000" in gains.inner_text()  # the exemption of the year
    _both_widths(page, screenshot, "web-tax")

    # asks for the capital-gains PDF and watches it render
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("Statement").select_option("capital_gains")
    page.get_by_label("Financial year (capital gains)").select_option("2024-25")
    page.get_by_role("button", name="Make the PDF").click()
    page.wait_for_url("**/web/reports/*/")
    progress = page.get_by_test_id("statement-progress")
    assert progress.get_attribute("data-status") in ("queued", "running")
    page.wait_for_selector('[data-testid="statement-progress"][data-status="done"]', timeout=30_000)
    link = page.get_by_test_id("statement-download")
    assert "token=" in link.get_attribute("href")
    _both_widths(page, screenshot, "web-statement-ready")
    fetched = page.evaluate(
        "async (url) => { const r = await fetch(url); return [r.status, r.headers.get('content-type')]; }",
        link.get_attribute("href"),
    )
    assert fetched == [200, "application/pdf"]

    # sets up a goal and links half of the equity holding
    page.get_by_role("link", name="Goals").click()
    page.get_by_label("Name").fill("Asha's college")
    page.get_by_label("Target (in today's rupees)").fill("2500000")
    page.get_by_label("Target date").fill((date.today() + timedelta(days=3650)).isoformat())
    page.get_by_role("button", name="Create the goal").click()
    page.wait_for_url("**/web/goals/*/")
    page.get_by_label("Holding or SIP").select_option(index=0)
    page.get_by_label("Share, %").fill("50")
    page.get_by_role("button", name="Link").click()
    assert "50.00 %" in page.get_by_test_id("goal-links").inner_text()
    assert page.get_by_test_id("goal-sip-needed").inner_text() != "none"
    _both_widths(page, screenshot, "web-goal")

    # the goal is on the portfolio summary
    page.get_by_role("link", name="Portfolio").click()
    assert "Asha's college" in page.get_by_test_id("goal-cards").inner_text()
    _both_widths(page, screenshot, "web-portfolio-with-goal")

    # and staff see the investor's gains and goal
    page.context.clear_cookies()
    owner = make_staff(live_alpha, role="owner")
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
    page.wait_for_url("**/portal/")
    page.goto(live_server.url("alpha.localhost", f"/portal/investors/{investor.public_id}/"))
    assert "Asha's college" in page.get_by_test_id("goal-cards").inner_text()
    page.get_by_test_id("investor-tax-link").click()
    page.get_by_label("Financial year", exact=True).select_option("2024-25")
    page.wait_for_url("**fy=2024-25")
    assert "50AA" in page.get_by_test_id("cg-summary").inner_text()
    _both_widths(page, screenshot, "portal-investor-tax")

    # every page ran on our own scripts only
    assert csp_violations == []
