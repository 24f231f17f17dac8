"""Idempotency keys under concurrency and after their window (apps/orders/services/idempotency.py)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.factories import make_investor


def _client(investor) -> APIClient:
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


def _post_concurrently(investor, body: dict, key: str, count: int = 20) -> list[tuple[int, str]]:
    barrier = threading.Barrier(count)
    results: list[tuple[int, str]] = []

    def request():
        try:
            client = _client(investor)
            barrier.wait()
            response = client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            results.append((response.status_code, response.json().get("code", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.live
def test_concurrent_requests_with_one_key_that_fail_validation_never_answer_5xx(live_alpha, funds):
    from apps.orders.models import Order

    # given a purchase below the scheme's minimum, so the first request to claim the key fails and releases it
    investor = make_investor(live_alpha, ready_to_invest=True)
    body = {"kind": "purchase", "scheme": funds["equity"].amfi_code, "amount": "10.00"}

    # when twenty requests with one key arrive at once, three times over
    results = [r for _ in range(3) for r in _post_concurrently(investor, body, "one-key-invalid")]

    # then each is refused for its rule or told the key is busy; none is a server error, no order exists
    assert len(results) == 60
    assert all(status in (400, 409, 422) for status, _ in results), results
    assert {code for status, code in results if status == 409} <= {"idempotency_in_flight"}
    with tenant_context(live_alpha):
        assert not Order.objects.filter(investor=investor).exists()


@pytest.mark.live
def test_a_key_reused_after_its_window_never_creates_a_second_order(live_alpha, funds):
    from apps.orders.models import IdempotencyRecord, Order
    from apps.orders.services.idempotency import idempotency_purge

    investor = make_investor(live_alpha, ready_to_invest=True)
    client = _client(investor)
    body = {"kind": "purchase", "scheme": funds["equity"].amfi_code, "amount": "2500.00"}
    assert client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="late-key").status_code == 201

    # given the key's window has passed and the nightly purge has run
    with tenant_context(live_alpha):
        IdempotencyRecord.objects.filter(investor=investor).update(expires_at=timezone.now() - timedelta(seconds=1))
        idempotency_purge()
        assert IdempotencyRecord.objects.filter(investor=investor, key="late-key").exists()

    # when the client replays the same request, or another one, with that key
    for replay in (body, {**body, "amount": "3000.00"}):
        response = client.post("/api/v1/orders", replay, format="json", HTTP_IDEMPOTENCY_KEY="late-key")
        # then it is refused with its own code and nothing new is created
        assert response.status_code == 422 and response.json()["code"] == "idempotency_key_expired"
    with tenant_context(live_alpha):
        assert Order.objects.filter(investor=investor).count() == 1


@pytest.mark.live
def test_purge_drops_abandoned_claims_only_after_their_lock(live_alpha):
    from apps.orders.models import IdempotencyRecord
    from apps.orders.services.idempotency import idempotency_purge

    investor = make_investor(live_alpha, ready_to_invest=True)
    past, future = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)
    with tenant_context(live_alpha):
        for key, locked_until in (("dead", past), ("running", future)):
            IdempotencyRecord.objects.create(
                investor=investor, scope="orders", key=key, fingerprint="f", locked_until=locked_until, expires_at=past
            )
        idempotency_purge()
        assert list(IdempotencyRecord.objects.filter(investor=investor).values_list("key", flat=True)) == ["running"]
