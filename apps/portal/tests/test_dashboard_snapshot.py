"""The dashboard's AUM chart is read from the book's snapshot (taken after the nightly NAV import), never
rebuilt from the ledger for a page; before the first snapshot the page says so and asks for one."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.portfolio.selectors.book import book_aum_points
from apps.portfolio.services import book_snapshots_refresh
from apps.portfolio.tests.factories import portfolio_build, schemes_ensure
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db


def test_the_aum_chart_comes_from_the_books_snapshot(staff_client, tenant_alpha, django_capture_on_commit_callbacks):
    # given an owner, a relationship manager and the manager's investor with a portfolio
    cache.clear()
    owner = staff_client(tenant_alpha, role="owner")
    rm = staff_client(tenant_alpha, role="rm")
    with tenant_context(tenant_alpha):
        investor = InvestorFactory(relationship_manager=rm.member)
        portfolio_build(investor=investor, schemes=schemes_ensure(count=2, prefix="DSN"), transactions=24)

    # when the owner opens the dashboard twice before any snapshot was taken
    with (
        mock.patch("apps.portfolio.services.book.celery_app") as celery,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = owner.get("/portal/")
        owner.get("/portal/")

    # then the page says the chart is being prepared, and one snapshot of the whole book is asked for
    assert first.status_code == 200 and first.context["figures"]["aum_series_pending"]
    assert 'data-testid="aum-series-pending"' in first.content.decode()
    celery.tasks.__getitem__.assert_called_with("portfolio.book_snapshots_refresh")
    celery.tasks.__getitem__.return_value.delay.assert_called_once_with(scope="all")

    # when the nightly job takes every book's snapshot (the whole book and the manager's)
    with tenant_context(tenant_alpha):
        assert book_snapshots_refresh() == 2
        expected = book_aum_points(investor_ids=[investor.pk], as_of=timezone.localdate())

    # then each dashboard charts its own book from it: the year's weekly values, today's last
    charted = owner.get("/portal/").context["figures"]
    assert not charted["aum_series_pending"]
    values = charted["aum_series"]["series"][0]["values"]
    assert values == [value for _, value, _ in expected] and Decimal(values[-1]) > 0
    assert charted["aum_series"]["labels"][-1] == timezone.localdate().isoformat()
    assert rm.get("/portal/").context["figures"]["aum_series"] == charted["aum_series"]
