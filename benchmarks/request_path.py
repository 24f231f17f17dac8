"""What tenancy costs a request: the same trivial authenticated DRF view served by one gunicorn process
(production settings, Redis) on a distributor's host and without tenancy (target: tenant >= 0.7x).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mfd REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/request_path.py [--seconds 10] [--rounds 3]

Both paths run every middleware of the product (request id, security, whitenoise, sessions, CSRF, auth,
messages) and DRF's authentication, permission and throttles (rates lifted so nothing answers 429); the
tenant path adds the host lookup, the suspension check and the schema switch. Each is signed in with a
session cookie: a user of distributor bench1 on bench1.localhost, a platform user in the public schema on
the tenancy-free handler. The rounds alternate the two paths so the machine's load hits both alike; the
ratio is taken per round. Runs in a scratch database (benchmarks/scratch.py), dropped at the end.

This module is also the WSGI application gunicorn serves (REQUEST_PATH_BENCH_SERVER=1): requests for
PLAIN_HOST go to a handler built without the tenant middlewares, all others to the product's own."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TENANT_HOST = "bench1.localhost"
PLAIN_HOST = "plain.bench"
PING = "/api/v1/bench/ping"
TENANCY_MIDDLEWARE = {
    "tenants.lookup.CachedTenantMainMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
}
TARGET_RATIO = 0.7

if os.environ.get("REQUEST_PATH_BENCH_SERVER") == "1":
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.urls import include, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class BenchPingApi(APIView):
        """Authenticated, permission-checked, throttled like every API view; does nothing else."""

        def get(self, request):
            return Response({"ok": True})

    if os.environ.get("REQUEST_PATH_BENCH_STOCK") == "1":  # --stock: django-tenants' own lookup, as before
        stock = {"tenants.lookup.CachedTenantMainMiddleware": "django_tenants.middleware.main.TenantMainMiddleware"}
        settings.MIDDLEWARE = [stock.get(m, m) for m in settings.MIDDLEWARE]
        settings.TENANT_LIMIT_SET_CALLS = False
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    urlpatterns = [path(PING.lstrip("/"), BenchPingApi.as_view()), path("", include(settings.ROOT_URLCONF))]
    settings.ROOT_URLCONF = __name__
    full_middleware = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [m for m in full_middleware if m not in TENANCY_MIDDLEWARE]
    _plain = WSGIHandler()
    settings.MIDDLEWARE = full_middleware
    _tenant = WSGIHandler()

    def application(environ, start_response):
        if environ.get("HTTP_HOST", "").split(":")[0] == PLAIN_HOST:
            connection.set_schema_to_public()
            return _plain(environ, start_response)
        return _tenant(environ, start_response)


def _prepare() -> dict[str, dict]:
    """Session cookies for a tenant user and a platform user."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection
    from django_tenants.utils import schema_context, tenant_context

    from apps.users.models import User
    from benchmarks.scratch import distributor_ready, platform_ready

    platform_ready()
    distributor = distributor_ready(1, domain=TENANT_HOST)
    engine = import_module(settings.SESSION_ENGINE)

    def cookie(email: str) -> dict:
        user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return {settings.SESSION_COOKIE_NAME: session.session_key}

    with tenant_context(distributor):
        tenant_cookie = cookie("bench-request-path@bench1.localhost")
    with schema_context("public"):
        plain_cookie = cookie("bench-request-path@platform.localhost")
    connection.close()
    return {TENANT_HOST: tenant_cookie, PLAIN_HOST: plain_cookie}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, *, stock: bool) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        REQUEST_PATH_BENCH_SERVER="1",
        REQUEST_PATH_BENCH_STOCK="1" if stock else "0",
        THROTTLE_RATE_IP="100000000/min",
        THROTTLE_RATE_USER="100000000/min",
        LOG_LEVEL="WARNING",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "benchmarks.request_path:application", "--chdir", str(ROOT)]
        + ["-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
        env=env,
    )
    from benchmarks.scratch import gunicorn_ready

    return gunicorn_ready(server, port)


def _load(url: str, cookies: dict, *, seconds: float) -> dict[str, list[float]]:
    """Latencies (s) per host of one client that alternates between the two hosts request by request, so
    that whatever else the machine is doing slows both paths alike. With one client and one sync worker,
    a path's throughput is the inverse of its mean latency."""
    import requests

    sessions = {}
    for host in (PLAIN_HOST, TENANT_HOST):
        sessions[host] = requests.Session()
        sessions[host].cookies.update(cookies[host])
        # behind the TLS-terminating proxy, as in production (SECURE_PROXY_SSL_HEADER)
        sessions[host].headers.update({"Host": host, "X-Forwarded-Proto": "https"})
    latencies: dict[str, list[float]] = {PLAIN_HOST: [], TENANT_HOST: []}
    errors = 0
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for host, session in sessions.items():
            began = time.perf_counter()
            response = session.get(url, timeout=30, allow_redirects=False)
            latencies[host].append(time.perf_counter() - began)
            errors += response.status_code != 200
    latencies["errors"] = [errors]
    return latencies


def _summary(latencies: list[float]) -> tuple[float, float]:
    """(requests per second, p95 in ms)"""
    return 1 / statistics.fmean(latencies), statistics.quantiles(latencies, n=20)[18] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--stock",
        action="store_true",
        help="for comparison: django-tenants' uncached lookup, search_path before every cursor, sessions in the "
        "database (throttles stay as they are)",
    )
    args = parser.parse_args()

    from benchmarks.scratch import django_setup, scratch_database
    from scripts.devstack import production_like_secrets

    # production settings with throwaway secrets (they refuse to start without every one)
    for name, value in production_like_secrets().items():
        os.environ.setdefault(name, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"

    with scratch_database(keep=args.keep):
        django_setup("config.settings.prod")
        cookies = _prepare()
        port = _free_port()
        server = _serve(port, stock=args.stock)
        url = f"http://127.0.0.1:{port}{PING}"
        rounds = []
        try:
            _load(url, cookies, seconds=1.0)  # warm up
            for _ in range(args.rounds):
                latencies = _load(url, cookies, seconds=args.seconds)
                plain, tenant = _summary(latencies[PLAIN_HOST]), _summary(latencies[TENANT_HOST])
                rounds.append((plain + (latencies["errors"][0],), tenant + (0,)))
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(
        f"one gunicorn sync worker, production settings; one client alternating the hosts; "
        f"{args.seconds:.0f} s per round; req/s = 1 / mean latency"
    )
    columns = ("plain req/s", "p95 ms", "tenant req/s", "p95 ms", "ratio", "errors")
    print(f"{'round':<6} " + " ".join(f"{c:>12}" for c in columns))
    ratios = []
    for n, (plain, tenant) in enumerate(rounds, 1):
        ratio = tenant[0] / plain[0]
        ratios.append(ratio)
        print(
            f"{n:<6} {plain[0]:>12.1f} {plain[1]:>12.1f} {tenant[0]:>12.1f} {tenant[1]:>12.1f} "
            f"{ratio:>12.2f} {plain[2] + tenant[2]:>12}"
        )
    ratio = statistics.median(ratios)
    errors = sum(p[2] + t[2] for p, t in rounds)
    met = ratio >= TARGET_RATIO and errors == 0
    print(f"tenant / plain (median of rounds) = {ratio:.2f}x, target >= {TARGET_RATIO}x: {'met' if met else 'NOT met'}")
    print(
        json.dumps(
            {
                "benchmark": "request_path",
                "stock_django_tenants": args.stock,
                "plain_rps": round(statistics.median(p[0] for p, _ in rounds), 1),
                "tenant_rps": round(statistics.median(t[0] for _, t in rounds), 1),
                "plain_p95_ms": round(statistics.median(p[1] for p, _ in rounds), 2),
                "tenant_p95_ms": round(statistics.median(t[1] for _, t in rounds), 2),
                "ratio": round(ratio, 3),
                "ratios": [round(r, 3) for r in ratios],
                "errors": errors,
                "target_ratio": TARGET_RATIO,
                "met": met,
            }
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
