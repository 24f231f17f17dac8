"""Throughput and p95 latency of GET /api/v1/portfolio/summary for an investor with 500 schemes and
10,000 transactions, against a bare authenticated DRF endpoint served by the same gunicorn server in the
same run (target: the summary at >= 0.5x the bare endpoint's requests per second).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/portfolio_api.py [--seconds 10] [--clients 4]

Needs a migrated database with the demo distributors (manage.py seed_demo, or at least the
apps.demo.seeders.distributors seeder). Creates (once) the benchmark investor bench-portfolio@alpha.localhost.

Authentication: a Django session cookie (SessionAuthentication, created server-side for the benchmark
user in alpha's schema), not a bearer JWT: both endpoints pay the same authentication cost, so the ratio
compares what the portfolio code adds. Throttles are lifted for the server process (THROTTLE_RATE_*).

This module is also the WSGI application gunicorn serves (PORTFOLIO_BENCH_SERVER=1): the project's own
tenant URLs plus the bare endpoint /api/v1/bench/ping (IsAuthenticated, returns {"ok": true})."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "False")

HOST = "alpha.localhost"
BENCH_EMAIL = "bench-portfolio@alpha.localhost"

if os.environ.get("PORTFOLIO_BENCH_SERVER") == "1":
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class BenchPingApi(APIView):
        """Authenticated, permission-checked, throttled like every API view; does nothing else."""

        def get(self, request):
            return Response({"ok": True})

    urlpatterns = [
        path("api/v1/bench/ping", BenchPingApi.as_view()),
        path("", include(settings.ROOT_URLCONF)),
    ]
    settings.ROOT_URLCONF = __name__
    application = get_wsgi_application()


def _prepare() -> tuple[str, dict]:
    """The benchmark investor (built once) and a session cookie for it."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_tenants.utils import tenant_context

    from apps.accounts.models import Investor
    from apps.portfolio.models import Transaction
    from apps.portfolio.tests.factories import portfolio_build, schemes_ensure
    from apps.users.models import User
    from tenants.models import Distributor

    alpha = Distributor.objects.filter(schema_name="alpha").first()
    if alpha is None:
        sys.exit("No 'alpha' distributor: run manage.py seed_demo first.")
    with tenant_context(alpha):
        user = User.objects.filter(email=BENCH_EMAIL).first() or User.objects.create_user(email=BENCH_EMAIL)
        investor, _ = Investor.objects.get_or_create(user=user, defaults={"full_name": "Benchmark Investor"})
        if Transaction.objects.filter(investor=investor).count() < 10_000:
            print("building the 500-scheme / 10,000-transaction portfolio (once) ...", flush=True)
            schemes = schemes_ensure(count=500)
            portfolio_build(investor=investor, schemes=schemes, transactions=10_000)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies = {settings.SESSION_COOKIE_NAME: session.session_key}
        holdings = investor.holdings.filter(units__gt=0).count()
        lines = Transaction.objects.filter(investor=investor).count()
    connection.close()
    return f"{holdings} holdings, {lines} transactions", cookies


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        PORTFOLIO_BENCH_SERVER="1",
        THROTTLE_RATE_IP="100000000/min",
        THROTTLE_RATE_USER="100000000/min",
        LOG_LEVEL="WARNING",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "benchmarks.portfolio_api:application",
            "--chdir",
            str(ROOT),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    from benchmarks.scratch import gunicorn_ready

    return gunicorn_ready(server, port)


def _load(url: str, cookies: dict, *, clients: int, seconds: float) -> tuple[float, float, int]:
    """(requests per second, p95 latency in ms, errors) of `clients` threads hammering `url`."""
    import requests

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        session = requests.Session()
        session.cookies.update(cookies)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            began = time.perf_counter()
            response = session.get(url, headers={"Host": HOST}, timeout=30)
            mine.append(time.perf_counter() - began)
            if response.status_code != 200:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    p95 = statistics.quantiles(latencies, n=20)[18] * 1000 if len(latencies) >= 20 else float("nan")
    return len(latencies) / elapsed, p95, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    described, cookies = _prepare()
    port = _free_port()
    server = _serve(port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        for path in ("/api/v1/bench/ping", "/api/v1/portfolio/summary"):  # warm both up
            _load(base + path, cookies, clients=1, seconds=1.0)
        results = {}
        for label, path in (
            ("bare DRF endpoint", "/api/v1/bench/ping"),
            ("portfolio summary", "/api/v1/portfolio/summary"),
        ):
            results[label] = _load(base + path, cookies, clients=args.clients, seconds=args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"investor: {described}; gunicorn {args.workers} sync workers; "
        f"{args.clients} clients; {args.seconds:.0f} s per endpoint"
    )
    print(f"{'endpoint':<20} {'req/s':>9} {'p95 ms':>9} {'errors':>7}")
    for label, (rps, p95, errors) in results.items():
        print(f"{label:<20} {rps:>9.1f} {p95:>9.1f} {errors:>7}")
    ratio = results["portfolio summary"][0] / results["bare DRF endpoint"][0]
    print(f"summary / bare = {ratio:.2f}x (target >= 0.5x): {'OK' if ratio >= 0.5 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
