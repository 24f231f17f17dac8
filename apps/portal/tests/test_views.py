"""The staff portal's pages: what a page costs in queries does not grow with the rows on it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SchemeFactory, make_investor, make_order, make_sip

pytestmark = pytest.mark.django_db

# what each page may cost, whatever the number of rows it shows (sign-in, tenant and branding included)
LIST_BUDGETS = {"/portal/": 28, "/portal/investors/": 14, "/portal/orders/": 14, "/portal/sips/": 14}
INVESTOR_PAGE_BUDGET = 26


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries)


def _book(tenant, rm, count: int) -> list:
    """Investors of the relationship manager's book, each with an order and a SIP in a scheme of their own."""
    investors = []
    for i in range(count):
        investor = make_investor(tenant, ready_to_invest=True, full_name=f"Book Investor {i}", relationship_manager=rm)
        make_order(tenant, investor, SchemeFactory(orderable=True))
        make_sip(tenant, investor, SchemeFactory(orderable=True))
        investors.append(investor)
    return investors


@pytest.mark.parametrize("path", list(LIST_BUDGETS))
def test_list_pages_cost_the_same_queries_for_2_or_15_investors(staff_client, tenant_alpha, path):
    client = staff_client(tenant_alpha, role="rm")  # a new relationship manager: an empty book to start with
    _book(tenant_alpha, client.member, 2)
    client.get(path)  # warm the per-process caches (tenant, branding)
    few = _queries(client, path)

    _book(tenant_alpha, client.member, 13)
    many = _queries(client, path)

    assert many == few <= LIST_BUDGETS[path], (path, few, many)


def test_an_investors_page_costs_the_same_queries_for_1_or_12_orders_and_sips(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    path = f"/portal/investors/{investor.public_id}/"
    make_order(tenant_alpha, investor, SchemeFactory(orderable=True))
    make_sip(tenant_alpha, investor, SchemeFactory(orderable=True))
    client.get(path)
    few = _queries(client, path)

    for _ in range(11):
        make_order(tenant_alpha, investor, SchemeFactory(orderable=True))
        make_sip(tenant_alpha, investor, SchemeFactory(orderable=True))
    many = _queries(client, path)

    assert many == few <= INVESTOR_PAGE_BUDGET, (few, many)
