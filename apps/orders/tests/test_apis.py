"""The investor's order and SIP lists: what a page costs in queries does not grow with the rows on it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import SchemeFactory, make_order, make_sip

pytestmark = pytest.mark.django_db


def _client(investor) -> APIClient:
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


def _queries(client: APIClient, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries.captured_queries), response.json()


def _orders(tenant, investor, count: int) -> None:
    """Orders of every shape the list renders: each in its own scheme, a switch into another one, a
    redemption from a folio, an order of a SIP."""
    now = timezone.now()
    sip = make_sip(tenant, investor, SchemeFactory(orderable=True))
    for i in range(count):
        shape = i % 4
        fields = {"placed_at": now - timedelta(minutes=i)}
        if shape == 1:
            fields.update(kind="redemption")
        elif shape == 2:
            fields.update(kind="switch", to_scheme=SchemeFactory(orderable=True))
        elif shape == 3:
            fields.update(sip=sip)
        make_order(tenant, investor, SchemeFactory(orderable=True), **fields)


def test_the_order_list_costs_the_same_queries_for_3_or_20_orders(
    tenant_alpha, alpha_investor, alpha_investor_2, django_assert_max_num_queries
):
    client = _client(alpha_investor)
    _orders(tenant_alpha, alpha_investor_2, 5)  # someone else's rows are not read
    _orders(tenant_alpha, alpha_investor, 3)
    client.get("/api/v1/orders?page_size=20")  # warm the per-process caches (the tenant by host)
    few, page = _queries(client, "/api/v1/orders?page_size=20")
    assert len(page["results"]) == 3

    _orders(tenant_alpha, alpha_investor, 17)
    with django_assert_max_num_queries(few):
        many, page = _queries(client, "/api/v1/orders?page_size=20")

    assert len(page["results"]) == 20
    assert many == few <= 8, few


def test_the_sip_list_costs_the_same_queries_for_2_or_20_sips(
    tenant_alpha, alpha_investor, alpha_investor_2, django_assert_max_num_queries
):
    client = _client(alpha_investor)
    make_sip(tenant_alpha, alpha_investor_2, SchemeFactory(orderable=True))
    for _ in range(2):
        make_sip(tenant_alpha, alpha_investor, SchemeFactory(orderable=True))
    client.get("/api/v1/sips?page_size=20")  # warm the per-process caches (the tenant by host)
    few, page = _queries(client, "/api/v1/sips?page_size=20")
    assert len(page["results"]) == 2

    for _ in range(18):
        make_sip(tenant_alpha, alpha_investor, SchemeFactory(orderable=True))
    with django_assert_max_num_queries(few):
        many, page = _queries(client, "/api/v1/sips?page_size=20")

    assert len(page["results"]) == 20
    assert many == few <= 8, few


def test_another_investors_and_another_distributors_ids_answer_404(
    tenant_alpha, alpha_investor, alpha_investor_2, beta_investor
):
    order = make_order(tenant_alpha, alpha_investor, SchemeFactory(orderable=True))
    sip = make_sip(tenant_alpha, alpha_investor, SchemeFactory(orderable=True))
    paths = [f"/api/v1/orders/{order.public_id}", f"/api/v1/sips/{sip.public_id}"]

    for path in paths:
        assert _client(alpha_investor).get(path).status_code == 200
        assert _client(alpha_investor_2).get(path).status_code == 404
        beta = APIClient(HTTP_HOST="beta.localhost")
        beta.force_authenticate(beta_investor.user)
        assert beta.get(path).status_code == 404
    assert _client(alpha_investor_2).get("/api/v1/orders").json()["results"] == []
