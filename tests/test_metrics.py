"""Prometheus metrics at /metrics on the platform host: who may read them, request metrics by route name
(never by path), and the business metrics read across every distributor's schema."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.funds.models import ImportRun
from apps.orders.gateways import circuit
from apps.orders.models import GatewayCall

pytestmark = pytest.mark.django_db

OUTSIDE_PEER = "203.0.113.9"


def metrics_text(client, **extra) -> str:
    response = client.get("/metrics", HTTP_HOST="localhost", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_metrics_answer_loopback_and_token_holders_only(client):
    # given a scraper on loopback (the default allowed network)
    assert metrics_text(client)
    # then a peer outside it is told there is nothing here
    assert client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR=OUTSIDE_PEER).status_code == 404
    with override_settings(METRICS_TOKEN="s3cret-scrape-token"):
        # unless it brings the token; a wrong one is refused the same way
        assert metrics_text(client, REMOTE_ADDR=OUTSIDE_PEER, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
        wrong = client.get(
            "/metrics", HTTP_HOST="localhost", REMOTE_ADDR=OUTSIDE_PEER, HTTP_AUTHORIZATION="Bearer nope"
        )
        assert wrong.status_code == 404


def test_metrics_are_not_served_on_a_distributor_host(client):
    assert client.get("/metrics", HTTP_HOST="alpha.localhost").status_code == 404


def test_requests_are_counted_by_route_name_not_path(client, alpha_api):
    # when the same route is asked for under two different paths' worth of detail
    assert alpha_api.get("/api/v1/branding").status_code == 200
    alpha_api.get("/api/v1/no-such-thing-1234")
    text = metrics_text(client)
    # then the branding route has its own series, labelled by name
    assert 'mfd_http_requests_total{method="GET",route="v1:branding",status="200"}' in text
    assert 'mfd_http_request_duration_seconds_bucket{le="0.01",method="GET",route="v1:branding"}' in text
    # and an unknown path adds no label of its own
    assert "no-such-thing-1234" not in text
    assert 'route="unmatched",status="404"' in text


@pytest.fixture
def mfu_circuit_reset():
    """The circuit lives in the platform-wide gateways cache: close it again for the tests after this one."""
    yield
    circuit.record_success("mfu")


def test_business_metrics_read_every_distributor(client, tenant_alpha, tenant_beta, mfu_circuit_reset):
    # given gateway trouble at two distributors, a failed NAV import and an open circuit
    for tenant, outcome in ((tenant_alpha, "transient"), (tenant_beta, "transient"), (tenant_beta, "ok")):
        with tenant_context(tenant):
            GatewayCall.objects.create(
                gateway="bse_starmf", operation="orderEntryParam", latency_ms=1500, outcome=outcome
            )
    now = timezone.now()
    ImportRun.objects.create(
        kind=ImportRun.Kind.AMFI_NAVS,
        status=ImportRun.Status.FAILED,
        source="https://nav.invalid/NAVAll.txt",
        started_at=now - timedelta(seconds=42),
        finished_at=now,
        error="source unavailable",
    )
    for _ in range(5):
        circuit.record_failure("mfu")
    # when Prometheus scrapes
    text = metrics_text(client)
    # then the figures add up across schemas
    assert 'mfd_gateway_calls_window{gateway="bse_starmf",outcome="transient"} 2.0' in text
    assert 'mfd_gateway_calls_window{gateway="bse_starmf",outcome="ok"} 1.0' in text
    assert 'mfd_gateway_call_latency_seconds_window{gateway="bse_starmf",quantile="0.95"} 1.5' in text
    assert 'mfd_gateway_circuit_open{gateway="mfu"} 1.0' in text
    assert 'mfd_gateway_circuit_open{gateway="bse_starmf"} 0.0' in text
    assert 'mfd_nav_import_last_failed{kind="amfi_navs"} 1.0' in text
    assert 'mfd_nav_import_last_duration_seconds{kind="amfi_navs"} 42.0' in text
    for family in ("mfd_orders", "mfd_outbox_oldest_age_seconds", "mfd_cas_imports", "mfd_celery_queue_depth"):
        assert f"# TYPE {family} gauge" in text


def test_metrics_answer_on_the_process_address_before_tenant_routing(client):
    # a scraper in Kubernetes reaches each pod by its IP address
    assert "mfd_http_requests" in metrics_text_on(client, "10.1.2.3:8000")


def metrics_text_on(client, host: str) -> str:
    response = client.get("/metrics", HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()
