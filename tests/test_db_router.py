"""Read-replica routing decisions: analytics routes read from the replica; a write in the request, or a
recent write by the same client (the pin cookie), keeps reads on the primary; a replica that does not
answer sends reads back to the primary; writes and migrations never go to the replica. (The streaming
replica itself is exercised by `make cluster` and benchmarks/cluster_faults.py.)"""

import time

import pytest
from django.db.utils import OperationalError
from django.test import RequestFactory
from django.urls import resolve

from apps.core import db_router
from apps.funds.models import Scheme

router = db_router.ReplicaRouter()


@pytest.fixture
def replica(monkeypatch, settings):
    """A replica alias that is configured and answering (each test may break it)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "_replica_on_current_tenant", lambda: None)
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    state = {"up": True}

    class FakeReplica:
        def ensure_connection(self):
            if not state["up"]:
                raise OperationalError("connection refused")

        def is_usable(self):
            return True

        def close(self):
            pass

    monkeypatch.setattr(db_router, "connections", {db_router.REPLICA: FakeReplica()})
    settings.REPLICA_RETRY_SECONDS = 30
    tokens = db_router._wrote.set(False), db_router._reads_on_replica.set(False)
    yield state
    db_router._wrote.reset(tokens[0])
    db_router._reads_on_replica.reset(tokens[1])


def _through_middleware(method: str, path: str, cookies: dict | None = None, write: bool = False):
    """Runs a request through the routing middleware; the 'view' reports where a read would go."""
    request = getattr(RequestFactory(), method.lower())(path)
    request.COOKIES.update(cookies or {})
    request.resolver_match = resolve(path, urlconf="config.urls_tenants")
    seen = {}

    def view(req):
        middleware.process_view(req, None, (), {})
        if write:
            router.db_for_write(Scheme)
        seen["read"] = router.db_for_read(Scheme)
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = db_router.ReplicaRoutingMiddleware(view)
    response = middleware(request)
    return seen["read"], response


def test_analytics_routes_read_from_the_replica_and_others_from_the_primary(replica):
    assert _through_middleware("GET", "/api/v1/funds/")[0] == "replica"
    assert _through_middleware("GET", "/api/v1/portfolio/holdings")[0] == "default"
    # outside a request nothing goes to the replica unless asked
    assert router.db_for_read(Scheme) == "default"
    with db_router.replica_reads():
        assert router.db_for_read(Scheme) == "replica"


def test_a_write_pins_the_request_and_then_the_client_to_the_primary(replica):
    # a write inside the request: its later reads see it
    read, response = _through_middleware("GET", "/api/v1/funds/", write=True)
    assert read == "default"
    pin = response.cookies[db_router.PIN_COOKIE]
    assert int(pin.value) > time.time() and pin["httponly"]
    # the same client's next analytics read stays on the primary while the pin lasts
    assert _through_middleware("GET", "/api/v1/funds/", cookies={db_router.PIN_COOKIE: pin.value})[0] == "default"
    # an expired pin, or a forged one, does not
    assert _through_middleware("GET", "/api/v1/funds/", cookies={db_router.PIN_COOKIE: "1"})[0] == "replica"
    assert _through_middleware("GET", "/api/v1/funds/", cookies={db_router.PIN_COOKIE: "x"})[0] == "replica"
    # an unsafe method never reads from the replica
    assert _through_middleware("POST", "/api/v1/funds/")[0] == "default"


def test_a_replica_that_stops_answering_sends_reads_back_to_the_primary(replica):
    replica["up"] = False
    assert _through_middleware("GET", "/api/v1/funds/")[0] == "default"
    # it is not asked again at once, even when back
    replica["up"] = True
    assert _through_middleware("GET", "/api/v1/funds/")[0] == "default"


def test_writes_and_migrations_never_go_to_the_replica(replica):
    with db_router.replica_reads():
        assert router.db_for_write(Scheme) == "default"
    assert router.allow_migrate(db_router.REPLICA, "funds") is False


def _route_names(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _route_names(pattern.url_patterns, namespace)
        elif pattern.name:
            yield prefix + pattern.name


def test_every_routed_and_gated_name_exists(settings):
    from django.urls import get_resolver

    names = set(_route_names(get_resolver("config.urls_tenants").url_patterns))
    assert not set(settings.REPLICA_READ_ROUTES) - names
    assert not set(settings.FEATURE_GATED_ROUTES) - names


def test_a_read_that_loses_the_replica_is_answered_again_from_the_primary(replica):
    from django.http import HttpResponse
    from django.urls import ResolverMatch

    seen = []

    def view(request):
        seen.append(router.db_for_read(Scheme))
        return HttpResponse("from the primary")

    request = RequestFactory().get("/api/v1/funds/")
    request.resolver_match = ResolverMatch(view, (), {}, url_name="fund-list", namespaces=["v1", "funds"])
    middleware = db_router.ReplicaRoutingMiddleware(lambda req: None)
    token = db_router._reads_on_replica.set(True)
    try:
        response = middleware.process_exception(request, OperationalError("the connection is lost"))
    finally:
        db_router._reads_on_replica.reset(token)
    assert response.content == b"from the primary" and seen == ["default"]
    # and the replica stays out of use for a while
    assert _through_middleware("GET", "/api/v1/funds/")[0] == "default"
    # a write request is never replayed
    post = RequestFactory().post("/api/v1/funds/")
    post.resolver_match = request.resolver_match
    assert middleware.process_exception(post, OperationalError("lost")) is None
