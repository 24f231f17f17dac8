from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from apps.funds.models import NavHistory
from apps.portfolio.models import Holding, InvestorValuation, Transaction
from apps.portfolio.services import valuations_refresh_for_schemes, valuations_refresh_stale
from tests.factories import InvestorFactory

from .factories import portfolio_build, schemes_ensure

D = Decimal


@pytest.fixture
def big_investor(in_alpha):
    investor = InvestorFactory()
    portfolio_build(investor=investor, schemes=schemes_ensure(count=500), transactions=10_000)
    return investor


def test_summary_takes_at_most_10_queries(big_investor, api_for, django_assert_max_num_queries):
    # the portfolio the issue describes
    assert Holding.objects.filter(investor=big_investor, units__gt=0).count() == 500
    assert Transaction.objects.filter(investor=big_investor).count() == 10_000
    client = api_for(big_investor)

    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/portfolio/summary")

    assert response.status_code == 200 and response.json()["holdings_count"] == 500
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/portfolio/summary", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_holdings_take_at_most_10_queries(big_investor, api_for, django_assert_max_num_queries):
    client = api_for(big_investor)
    for query in ("page_size=100", "updated_since=2000-01-01T00:00:00Z&page_size=100", "include_closed=1"):
        with django_assert_max_num_queries(10):
            response = client.get(f"/api/v1/portfolio/holdings?{query}")
        assert response.status_code == 200 and len(response.json()["results"]) >= 50
        with django_assert_max_num_queries(10):
            next_page = client.get(response.json()["next"])
        assert next_page.status_code == 200
        assert not {r["id"] for r in response.json()["results"]} & {r["id"] for r in next_page.json()["results"]}
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/portfolio/holdings", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    # the other lists an app opens on start are bounded as well
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/portfolio/schemes").json()["results"]) == 500
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/portfolio/transactions?page_size=100").json()["results"]) == 100


def test_nav_import_revalues_holdings_and_totals(in_alpha, make_scheme, record_line):
    investor = InvestorFactory()
    scheme = make_scheme(nav="10", nav_date=date(2026, 8, 17))
    untouched = make_scheme(nav="50")
    record_line(investor, scheme, "purchase", date(2026, 1, 5), "1000", "100", "n1")
    record_line(investor, untouched, "purchase", date(2026, 1, 5), "1000", "20", "n2")
    before = InvestorValuation.objects.get(investor=investor)
    NavHistory.objects.create(scheme=scheme, date=date(2026, 8, 17), nav=D("10"))
    # the NAV importer writes the new NAV ...
    NavHistory.objects.create(scheme=scheme, date=date(2026, 8, 18), nav=D("10.5"))
    scheme.latest_nav, scheme.latest_nav_date = D("10.5"), date(2026, 8, 18)
    scheme.save(update_fields=["latest_nav", "latest_nav_date"])

    # ... and asks each tenant to revalue
    assert valuations_refresh_for_schemes(scheme_ids=[scheme.pk]) == 1

    holding = Holding.objects.get(investor=investor, scheme=scheme)
    assert holding.nav == D("10.5") and holding.nav_date == date(2026, 8, 18)
    assert holding.value == D("1050.00") and holding.day_change == D("50.00")
    assert holding.unrealised_gain == D("50.00")
    after = InvestorValuation.objects.get(investor=investor)
    assert after.version > before.version
    assert after.value == D("1050.00") + D("1000.00") and after.day_change == D("50.00")
    assert after.nav_date == date(2026, 8, 18)
    # the copy the staff book sorts on follows the valuation
    investor.refresh_from_db(fields=["aum"])
    assert before.value == D("2000.00") and investor.aum == after.value == D("2050.00")


def test_refresh_schedule_fans_out_after_commit(in_alpha, django_capture_on_commit_callbacks):
    from apps.portfolio.services.valuation import VALUATIONS_REFRESH_TASK, valuations_refresh_schedule

    with mock.patch("tenants.tasks.fan_out_to_tenants.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            valuations_refresh_schedule(scheme_ids=[3, 1, 3])
        delay.assert_not_called()  # nothing before the commit
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(VALUATIONS_REFRESH_TASK, kwargs={"scheme_ids": [1, 3]})


def test_stale_valuations_are_caught_up(in_alpha, make_scheme, record_line):
    investor = InvestorFactory()
    scheme = make_scheme(nav="10")
    record_line(investor, scheme, "purchase", date(2026, 1, 5), "1000", "100", "st1")
    Holding.objects.filter(investor=investor).update(valuation_stale=True, value=0)

    assert valuations_refresh_stale() >= 1

    holding = Holding.objects.get(investor=investor)
    assert not holding.valuation_stale and holding.value == D("1000.00")
