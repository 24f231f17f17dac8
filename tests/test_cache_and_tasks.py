"""Tenant isolation outside the request cycle: cache keys and Celery tasks."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from apps.core import tasks
from config.celery import app
from tenants import tasks as tenant_tasks
from tenants.services import distributor_suspend


def test_cache_key_set_under_one_tenant_misses_under_another(tenant_alpha, tenant_beta):
    with tenant_context(tenant_alpha):
        cache.set("portfolio-summary:42", "alpha's numbers")
        assert cache.get("portfolio-summary:42") == "alpha's numbers"
    with tenant_context(tenant_beta):
        assert cache.get("portfolio-summary:42") is None
    with schema_context("public"):
        assert cache.get("portfolio-summary:42") is None


@pytest.fixture(scope="module")
def celery_worker(django_db_blocker):
    """A real worker thread consuming from the real broker."""
    with (
        django_db_blocker.unblock(),
        start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10),
    ):
        yield


def test_a_task_queued_on_a_tenants_request_runs_in_that_schema(live_db, celery_worker):
    from tenants.models import Distributor

    for schema in ("alpha", "beta"):
        with tenant_context(Distributor.objects.get(schema_name=schema)):
            result = tasks.tenant_heartbeat.delay()
        assert result.get(timeout=30) == schema
    assert connection.schema_name == "public"


def test_fan_out_reaches_every_active_distributor_in_its_schema(db, monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **kw: sent.append((connection.schema_name, name)))
    distributor_suspend(schema_name="beta")

    count = tenant_tasks.fan_out_to_tenants("core.tenant_heartbeat")

    assert count == 1
    assert sent == [("alpha", "core.tenant_heartbeat")]
