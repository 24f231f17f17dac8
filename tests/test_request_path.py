"""The request path's fixed costs: the host's distributor comes from a bounded per-process cache that every
change to a distributor, a domain or a branding invalidates; `SET search_path` runs at most once per request
and still follows every schema switch (requests, Celery tasks, live-server threads)."""

import pytest
import requests
from celery.contrib.testing.worker import start_worker
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from config.celery import app
from conftest import ALPHA_HOST, BETA_HOST
from tenants.lookup import LOOKUP_VERSION_KEY, tenant_lookup_cached_hosts
from tenants.models import Distributor, Domain

BRANDING = "/api/v1/branding"


def _get(client, path=BRANDING):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [query["sql"] for query in queries.captured_queries]


def test_a_warm_host_costs_no_lookup_query_and_one_search_path(alpha_api):
    alpha_api.get(BRANDING)  # warm

    response, sql = _get(alpha_api)

    assert response.status_code == 200
    assert response.json()["display_name"]
    assert not [q for q in sql if "tenants_domain" in q or "tenants_branding" in q]
    assert sql == []  # the brand came with the distributor


def test_search_path_is_set_once_for_a_request_that_runs_many_queries(alpha_api, beta_api, tenant_alpha):
    from apps.users.models import User

    with tenant_context(tenant_alpha):
        user = User.objects.create_user(email="request-path@alpha.example", password=None)
        alpha_api.force_login(user)  # a session in alpha's schema, read by the session middleware
    alpha_api.get("/api/v1/funds/")
    beta_api.get("/api/v1/funds/")  # the connection was last on another tenant

    response, sql = _get(alpha_api, "/api/v1/funds/")

    assert response.status_code == 200
    assert [q for q in sql if q.startswith("SET search_path")] == ['SET search_path = "alpha","public"']
    assert [q for q in sql if "users_user" in q]  # the signed-in user, read from alpha's schema
    assert not [q for q in sql if "django_session" in q]  # the session came from the cache


def test_suspending_a_distributor_is_seen_by_the_next_request(alpha_api, tenant_alpha):
    assert alpha_api.get(BRANDING).status_code == 200

    tenant_alpha.status = Distributor.Status.SUSPENDED
    tenant_alpha.save(update_fields=["status"])

    assert alpha_api.get(BRANDING).status_code == 503


def test_a_removed_domain_answers_404_and_a_new_one_is_served(alpha_api, tenant_alpha):
    from rest_framework.test import APIClient

    extra = APIClient(HTTP_HOST="alpha-extra.localhost")
    assert extra.get(BRANDING).status_code == 404
    domain = Domain.objects.create(domain="alpha-extra.localhost", tenant=tenant_alpha, is_primary=False)
    assert extra.get(BRANDING).status_code == 200

    domain.delete()

    assert extra.get(BRANDING).status_code == 404


def test_a_new_brand_is_served_at_once(alpha_api, tenant_alpha):
    alpha_api.get(BRANDING)
    branding = tenant_alpha.branding
    branding.display_name = "Renamed Wealth"
    branding.save(update_fields=["display_name"])

    assert alpha_api.get(BRANDING).json()["display_name"] == "Renamed Wealth"


def test_another_process_invalidates_through_the_shared_version(alpha_api, tenant_alpha):
    # given a warm entry, and a write this process's signals do not see (as if made by another process)
    assert alpha_api.get(BRANDING).status_code == 200
    Distributor.objects.filter(pk=tenant_alpha.pk).update(status=Distributor.Status.SUSPENDED)
    assert alpha_api.get(BRANDING).status_code == 200  # served from this process's cache

    # when the other process's signal bumps the shared version
    caches["platform"].incr(LOOKUP_VERSION_KEY)

    # then
    assert alpha_api.get(BRANDING).status_code == 503


def test_the_per_process_cache_is_bounded(alpha_api, tenant_alpha, settings):
    settings.TENANT_LOOKUP_CACHE_SIZE = 2
    from rest_framework.test import APIClient

    hosts = [f"alpha-{n}.localhost" for n in range(4)]
    for host in hosts:
        Domain.objects.create(domain=host, tenant=tenant_alpha, is_primary=False)

    for host in hosts:
        assert APIClient(HTTP_HOST=host).get(BRANDING).status_code == 200

    assert tenant_lookup_cached_hosts() == 2


def test_requests_are_served_from_the_database_when_the_cache_is_down(alpha_api, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["platform"], "get", unreachable)

    response, sql = _get(alpha_api)

    assert response.status_code == 200
    assert [q for q in sql if "tenants_domain" in q]


@app.task(name="tests.request_path.search_path")
def _search_path() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def celery_worker(django_db_blocker):
    with (
        django_db_blocker.unblock(),
        start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10),
    ):
        yield


def test_each_celery_task_runs_on_its_own_tenants_search_path(live_db, celery_worker):
    for schema in ("alpha", "beta", "alpha", "public", "beta"):
        with tenant_context(Distributor.objects.get(schema_name=schema)):
            result = _search_path.delay()
        assert result.get(timeout=60).split(",")[0].strip('"') == schema


def test_a_live_server_thread_follows_each_host(live_db, live_server):
    names = {}
    for host in (ALPHA_HOST, BETA_HOST):
        names[host] = Distributor.objects.get(domains__domain=host).branding.display_name
    with requests.Session() as session:
        for host in (ALPHA_HOST, BETA_HOST, BETA_HOST, ALPHA_HOST, BETA_HOST):
            response = session.get(live_server.url(host, BRANDING), timeout=10)
            assert response.json()["display_name"] == names[host]
