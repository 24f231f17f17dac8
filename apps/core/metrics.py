"""Prometheus metrics: request metrics recorded by the middleware, business metrics read at scrape time.

Request metrics are labelled by route name (the URL pattern's view name), method and status code, never
by path, so their cardinality is bounded by the URL configuration. With gunicorn's several workers,
PROMETHEUS_MULTIPROC_DIR names a directory they share (prometheus_client's multiprocess mode).

Business metrics come from the database when Prometheus scrapes, so every web process reports the same
figures and a restart loses nothing: orders by state and gateway, gateway calls and their latency over
the last window, circuit state, outbox age, NAV import duration and staleness, CAS imports by outcome
and Celery queue depth. Per-distributor tables are read across every distributor's schema in one query.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterable, Iterator

import redis
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tenants.utils import get_public_schema_name
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter("mfd_http_requests", "HTTP requests answered", ["route", "method", "status"])
REQUEST_SECONDS = Histogram(
    "mfd_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
_UNRESOLVED_ROUTES = {"/healthz": "healthz", "/readyz": "readyz"}


def request_observe(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "OTHER"
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    REQUEST_SECONDS.labels(route=route, method=method).observe(seconds)


def distributor_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schema_name FROM public.tenants_distributor WHERE schema_name <> %s ORDER BY schema_name",
            [get_public_schema_name()],
        )
        return [row[0] for row in cursor.fetchall()]


def across_schemas(select: str, outer: str, params: list | None = None) -> list[tuple]:
    """Runs `select` (naming its tables as {schema}.table) in every distributor's schema as one UNION ALL
    and `outer` over it (the union is the table `t`). params are repeated for each schema."""
    schemas: Iterable[str] = distributor_schemas()
    parts = [select.format(schema=connection.ops.quote_name(schema)) for schema in schemas]
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(outer.format(union=" UNION ALL ".join(parts)), (params or []) * len(parts))
        return cursor.fetchall()


class CeleryQueueCollector(Collector):
    """Tasks waiting in each Celery queue (Redis broker: the length of the queue's list)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("mfd_celery_queue_depth", "Tasks waiting in a Celery queue", labels=["queue"])
        broker = settings.CELERY_BROKER_URL
        if broker.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(broker, socket_timeout=2)
            try:
                for queue in settings.METRICS_CELERY_QUEUES:
                    family.add_metric([queue], client.llen(queue))
            finally:
                client.close()
        yield family


class _Guarded(Collector):
    """One failing source is logged and left out of the scrape; the others still report."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    def collect(self) -> Iterator:
        connection.set_schema_to_public()
        try:
            yield from list(self.collector.collect())
        except Exception:  # a scrape must not fail because one source is down
            logger.exception("metrics: %s failed", type(self.collector).__name__)


def metrics_render() -> tuple[bytes, str]:
    """The exposition text: request metrics of this process (or, in multiprocess mode, of every gunicorn
    worker) and the business metrics of each collector named in METRICS_COLLECTORS."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    scrape = CollectorRegistry()
    for path in settings.METRICS_COLLECTORS:
        scrape.register(_Guarded(import_string(path)()))
    return generate_latest(registry) + generate_latest(scrape), CONTENT_TYPE_LATEST


class RequestMetricsMiddleware:
    """Counts and times every request by route name (set once the URL resolved; `unmatched` otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        if request.path_info == "/metrics" and _is_platform_or_address(request):
            response = metrics_view(request)
        else:
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route = match.view_name or UNMATCHED_ROUTE
        else:  # answered before URL resolution (health probes) or not found
            route = _UNRESOLVED_ROUTES.get(request.path_info, UNMATCHED_ROUTE)
        request_observe(
            route=route, method=request.method, status=response.status_code, seconds=time.perf_counter() - started
        )
        return response


def _is_platform_or_address(request: HttpRequest) -> bool:
    """/metrics is served on the platform host and on the process's own address (what a scraper uses
    in Kubernetes), before tenant routing; on a distributor's host it does not exist."""
    host = request.get_host().rsplit(":", 1)[0].strip("[]") if request.get_host() else ""
    if host == settings.PLATFORM_DOMAIN:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if supplied and hmac.compare_digest(supplied.encode(), token.encode()):
            return True
    try:
        # the direct peer, never X-Forwarded-For: a scraper talks to the process, not through the proxy
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """/metrics on the platform host: a bearer METRICS_TOKEN, or a peer in METRICS_ALLOWED_NETWORKS;
    anyone else gets 404, as if there were nothing here."""
    if not _metrics_allowed(request):
        raise Http404
    body, content_type = metrics_render()
    return HttpResponse(body, content_type=content_type)
