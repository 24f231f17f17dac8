"""Honest figures: each valuation says the NAV date it rests on (the oldest of its holdings', flagged when
they differ), and a NAV older than the last business day (market calendar, per scheme) is flagged to the
investor (web page, API) and to staff (the portal's investor page)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.funds.models import Amc, TradingHoliday
from apps.portfolio.models import Folio, Holding
from apps.portfolio.selectors.nav_freshness import nav_expected_date, nav_freshness_get
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db


def _hold(investor, name: str, nav_date: date | None, units: str = "10"):
    amc, _ = Amc.objects.get_or_create(code="fresh-amc", defaults={"name": "Freshness Test Mutual Fund"})
    folio, _ = Folio.objects.get_or_create(investor=investor, folio_number="F-1", defaults={"amc": amc})
    return Holding.objects.create(
        investor=investor,
        folio=folio,
        source_name=name,
        units=Decimal(units),
        nav=Decimal("20") if nav_date else None,
        nav_date=nav_date,
        value=Decimal(units) * 20,
    )


def test_the_last_business_day_skips_weekends_and_trading_holidays(db):
    monday = date(2026, 11, 23)
    assert nav_expected_date(today=monday) == date(2026, 11, 20)  # Friday
    TradingHoliday.objects.update_or_create(date=date(2026, 11, 20), defaults={"description": "Test holiday"})
    assert nav_expected_date(today=monday) == date(2026, 11, 19)
    assert nav_expected_date(today=date(2026, 11, 25)) == date(2026, 11, 24)


def test_the_valuation_rests_on_the_oldest_nav_and_stale_ones_are_named(tenant_alpha, alpha_investor):
    today = date(2026, 11, 25)  # a Wednesday: the last business day is Tuesday the 24th
    with tenant_context(tenant_alpha):
        _hold(alpha_investor, "Fresh Fund", date(2026, 11, 24))
        _hold(alpha_investor, "Lagging Fund", date(2026, 11, 20))
        _hold(alpha_investor, "Sold Fund", date(2026, 1, 2), units="0")  # closed: not part of the value
        _hold(alpha_investor, "Unmapped Fund", None)  # not valued: no NAV date to speak of
        freshness = nav_freshness_get(investor=alpha_investor, today=today)

    assert freshness.as_of == date(2026, 11, 20) and freshness.latest == date(2026, 11, 24)
    assert freshness.mixed and freshness.stale
    assert [(h.name, h.nav_date) for h in freshness.stale_holdings] == [("Lagging Fund", date(2026, 11, 20))]


def test_all_fresh_at_one_date_is_neither_mixed_nor_stale(tenant_alpha, alpha_investor):
    with tenant_context(tenant_alpha):
        _hold(alpha_investor, "Fresh Fund", date(2026, 11, 24))
        freshness = nav_freshness_get(investor=alpha_investor, today=date(2026, 11, 25))
    assert freshness.as_of == date(2026, 11, 24) and not freshness.mixed and not freshness.stale


def _stale_book(tenant, investor):
    expected = nav_expected_date()
    with tenant_context(tenant):
        _hold(investor, "Fresh Fund", expected)
        _hold(investor, "Lagging Fund", expected - timedelta(days=7))
    return expected


def test_the_api_summary_carries_the_nav_date_and_the_stale_flag(tenant_alpha, alpha_investor, api_for):
    expected = _stale_book(tenant_alpha, alpha_investor)
    body = api_for(alpha_investor).get("/api/v1/portfolio/summary").json()
    freshness = body["nav_freshness"]
    assert freshness["as_of"] == (expected - timedelta(days=7)).isoformat()
    assert freshness["latest"] == expected.isoformat() and freshness["expected"] == expected.isoformat()
    assert freshness["mixed"] is True and freshness["stale"] is True
    assert [h["name"] for h in freshness["stale_holdings"]] == ["Lagging Fund"]


def test_the_web_portfolio_and_the_portal_investor_page_flag_stale_navs(tenant_alpha, alpha_investor):
    expected = _stale_book(tenant_alpha, alpha_investor)
    oldest = expected - timedelta(days=7)
    web = Client(HTTP_HOST="alpha.localhost")
    with tenant_context(tenant_alpha):
        web.force_login(alpha_investor.user, backend="apps.accounts.backends.EmailOrMobileBackend")
    page = web.get("/web/").content.decode()
    assert f"NAVs of {oldest.day} {oldest:%b %Y} or later" in page
    assert 'data-testid="nav-stale"' in page and "Lagging Fund" in page

    owner = make_staff(tenant_alpha, role="owner")
    staff = Client(HTTP_HOST="alpha.localhost")
    assert staff.post("/portal/login/", {"email": owner.user.email, "password": PASSWORD}).status_code == 302
    portal = staff.get(f"/portal/investors/{alpha_investor.public_id}/").content.decode()
    assert 'data-testid="nav-stale"' in portal and "Lagging Fund" in portal
