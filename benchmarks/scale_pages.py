"""Portal pages and investor API at a large distributor's size (the book benchmarks/seed_scale.py seeds):
p50/p95 with one client, then throughput and p95 with 8 concurrent clients, against gunicorn with
production settings and Redis; and the CSV export of about 100,000 orders, streamed, with the serving
worker's peak memory before and after. Targets (one client): p95 <= 150 ms for each portal page, <= 30 ms
for the API summary; the export's peak memory growth far below its size.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/seed_scale.py --investors 20000
    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/scale_pages.py [--seconds 5] [--workers 4]

The owner of the scale distributor is signed in with a server-side session marked as the portal's
sign-in marks it; the investor holds a JWT access token minted as the OAuth server mints them (stored,
so it is verified and revocable like any other). Caches are warm: each URL is requested a few times
before it is measured. Throttles are lifted for the server (THROTTLE_RATE_*)."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.seed_scale import HOST, OWNER_EMAIL, SCHEMA, benchmark_environment  # noqa: E402

PORTAL_TARGET_MS = 150.0
SUMMARY_TARGET_MS = 30.0
EXPORT_ROWS = 100_000
CONCURRENT = 8


def investor_token(*, user, lifetime: timedelta = timedelta(hours=4)) -> str:
    """A JWT access token for the investor's user from the tenant's mobile app, minted and stored as the
    OAuth server does after an authorization-code exchange (the connection on the tenant's schema)."""
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model, get_application_model
    from oauthlib.common import Request

    from apps.oauth.services import MOBILE_APP_NAME
    from apps.oauth.tokens import access_token_generate

    app = get_application_model().objects.get(name=MOBILE_APP_NAME)
    request = Request(f"https://{HOST}/o/token/", headers={"HTTP_HOST": HOST, "X_DJANGO_OAUTH_TOOLKIT_SECURE": "1"})
    request.user, request.client = user, app
    request.scopes, request.expires_in = ["openid", "read", "write"], int(lifetime.total_seconds())
    token = access_token_generate(request)
    get_access_token_model().objects.create(
        user=user, application=app, token=token, expires=timezone.now() + lifetime, scope="openid read write"
    )
    return token


def staff_cookie(email: str) -> dict:
    """A signed-in portal session for a staff user, marked as the portal's sign-in marks it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from apps.accounts.staff_sessions import STAFF_SIGN_IN_KEY
    from apps.users.models import User

    user = User.objects.get(email=email)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[STAFF_SIGN_IN_KEY] = {"via": "portal", "second_factor": False}
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def _prepare() -> dict:
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.accounts.models import Investor
    from apps.orders.models import Order
    from tenants.models import Distributor

    distributor = Distributor.objects.filter(schema_name=SCHEMA).first()
    if distributor is None:
        sys.exit(f'No "{SCHEMA}" distributor: run benchmarks/seed_scale.py first.')
    with tenant_context(distributor):
        investors = Investor.objects.count()
        orders = Order.objects.count()
        # a typical investor of the book: the median number of holdings, with orders
        focus = (
            Investor.objects.filter(valuation__holdings_count__gt=0)
            .annotate(n=Count("orders"))
            .filter(n__gt=0)
            .select_related("user")
            .order_by("valuation__holdings_count", "pk")[investors // 2 :]
            .first()
        )
        if focus is None:
            sys.exit("The scale book has no investor with holdings and orders yet.")
        newest = Order.objects.order_by("-placed_at").values_list("placed_at", flat=True)
        cut = newest[min(EXPORT_ROWS, orders) - 1] if orders else timezone.now()
        export_from = timezone.localtime(cut).date() + timedelta(days=1)
        export_rows = Order.objects.filter(placed_at__date__gte=export_from).count()
        prepared = {
            "investors": investors,
            "orders": orders,
            "focus": str(focus.public_id),
            "staff": staff_cookie(OWNER_EMAIL),
            "token": investor_token(user=focus.user),
            "export_from": export_from.isoformat(),
            "export_rows": export_rows,
        }
    connection.close()
    return prepared


def _urls(prepared: dict) -> list[tuple[str, str, str]]:
    """(kind, label, path): kind "portal" or "api"."""
    focus = prepared["focus"]
    return [
        ("portal", "dashboard", "/portal/"),
        ("portal", "investors", "/portal/investors/"),
        ("portal", "investors: search", "/portal/investors/?q=Sharma"),
        ("portal", "investors: KYC filter, by AUM", "/portal/investors/?kyc=verified&sort=-aum"),
        ("portal", "investors: by AUM, page 200", "/portal/investors/?sort=-aum&page=200"),
        ("portal", "an investor's page", f"/portal/investors/{focus}/"),
        ("portal", "orders", "/portal/orders/"),
        ("portal", "orders: filtered", "/portal/orders/?status=successful&kind=purchase&date_from=2025-01-01"),
        ("portal", "SIP book", "/portal/sips/"),
        ("portal", "SIP book: active", "/portal/sips/?status=active"),
        ("api", "API portfolio summary", "/api/v1/portfolio/summary"),
        ("api", "API holdings", "/api/v1/portfolio/holdings"),
        ("api", "API transactions page", "/api/v1/portfolio/transactions?page_size=50"),
        ("api", "API orders", "/api/v1/orders"),
        ("api", "API fund search", "/api/v1/funds/?q=Scalewell%20Fund%2012"),
    ]


def _session(kind: str, prepared: dict):
    import requests

    session = requests.Session()
    # behind the TLS-terminating proxy, as in production (SECURE_PROXY_SSL_HEADER)
    session.headers.update({"Host": HOST, "X-Forwarded-Proto": "https"})
    if kind == "portal":
        session.cookies.update(prepared["staff"])
    else:
        session.headers["Authorization"] = f"Bearer {prepared['token']}"
    return session


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(THROTTLE_RATE_IP="100000000/min", THROTTLE_RATE_USER="100000000/min", LOG_LEVEL="WARNING")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--chdir", str(ROOT), "-b", f"127.0.0.1:{port}"]
        + ["-w", str(workers), "--log-level", "warning", "--timeout", "900"],
        env=env,
    )
    from benchmarks.scratch import gunicorn_ready

    return gunicorn_ready(server, port)


def _run(url: str, kind: str, prepared: dict, *, clients: int, seconds: float) -> dict:
    """Latency figures (ms) and throughput of `clients` threads requesting `url` for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        session, mine, bad = _session(kind, prepared), [], 0
        while time.perf_counter() < stop:
            began = time.perf_counter()
            response = session.get(url, timeout=60, allow_redirects=False)
            mine.append(time.perf_counter() - began)
            bad += response.status_code != 200
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
    ms = sorted(x * 1000 for x in latencies)
    quantiles = statistics.quantiles(ms, n=100) if len(ms) >= 2 else ms * 99
    return {
        "requests": len(ms),
        "rps": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(quantiles[94], 1),
        "errors": errors[0],
    }


def _warm(url: str, kind: str, prepared: dict, *, workers: int) -> float:
    """Requests `url` once per worker (and then some) so every worker's caches are warm; returns the first,
    cold request's time in ms (a cache that takes long to fill shows here, not in the measured runs)."""
    session = _session(kind, prepared)
    began = time.perf_counter()
    session.get(url, timeout=900, allow_redirects=False)
    cold = (time.perf_counter() - began) * 1000
    for _ in range(workers * 3):
        session.get(url, timeout=900, allow_redirects=False)
    return round(cold, 1)


def _workers_peak_rss_mb(server: subprocess.Popen) -> dict[int, float]:
    """Peak resident memory (VmHWM) of each gunicorn worker, MB."""
    import psutil

    peaks = {}
    for child in psutil.Process(server.pid).children():
        with open(f"/proc/{child.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peaks[child.pid] = int(line.split()[1]) / 1024
    return peaks


def _download(session, url: str) -> tuple[int, int, int, float, float]:
    """(status, rows, bytes, seconds, first byte seconds) of a CSV read in 64 kB chunks."""
    started = time.perf_counter()
    first_byte, size, newlines = None, 0, 0
    with session.get(url, stream=True, timeout=900) as response:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            newlines += chunk.count(b"\n")
    return response.status_code, max(newlines - 1, 0), size, time.perf_counter() - started, first_byte or 0.0


def _export(prepared: dict) -> dict:
    """The orders CSV (about EXPORT_ROWS rows) from a server of one worker, warmed by a small export first;
    the worker's peak memory growth over the small export and then over the large one: flat memory means
    the large one adds about as little as the small one did."""
    port = _free_port()
    server = _serve(port, 1)
    try:
        session = _session("portal", prepared)
        base = f"http://127.0.0.1:{port}/portal/orders/export.csv"
        small_url = f"{base}?status=reversed&kind=redemption"
        _download(session, small_url)  # loads the code and templates the first request loads
        before = _workers_peak_rss_mb(server)
        _, small_rows, _, _, _ = _download(session, small_url)
        middle = _workers_peak_rss_mb(server)
        status, rows, size, seconds, first_byte = _download(session, f"{base}?date_from={prepared['export_from']}")
        after = _workers_peak_rss_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    (pid,) = after
    return {
        "status": status,
        "rows": rows,
        "mb": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "first_byte_ms": round(first_byte * 1000, 1),
        "small_export_rows": small_rows,
        "peak_rss_growth_small_mb": round(middle[pid] - before[pid], 1),
        "peak_rss_growth_mb": round(after[pid] - middle[pid], 1),
        "peak_rss_mb": round(after[pid], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per URL and client count")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--export-only", action="store_true")
    args = parser.parse_args()

    benchmark_environment()
    import django

    django.setup()
    prepared = _prepare()
    load = os.getloadavg()
    export = None if args.skip_export else _export(prepared)
    if args.export_only:
        print(json.dumps({"benchmark": "scale_pages", "export": export}))
        return 0
    port = _free_port()
    server = _serve(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        for kind, label, path in _urls(prepared):
            cold_ms = _warm(base + path, kind, prepared, workers=args.workers)
            one = _run(base + path, kind, prepared, clients=1, seconds=args.seconds)
            many = _run(base + path, kind, prepared, clients=CONCURRENT, seconds=args.seconds)
            target = (
                SUMMARY_TARGET_MS
                if label == "API portfolio summary"
                else PORTAL_TARGET_MS
                if kind == "portal"
                else None
            )
            results.append(
                {"kind": kind, "page": label, "path": path, "cold_ms": cold_ms, "one": one, "eight": many}
                | {"target_p95_ms": target}
            )
            print(
                f"{label:<34} cold {cold_ms:>8.0f} ms | 1 client p50 {one['p50_ms']:>7.1f} p95 {one['p95_ms']:>7.1f} ms"
                f" | {CONCURRENT} clients {many['rps']:>6.1f} req/s p95 {many['p95_ms']:>7.1f} ms"
                f" | errors {one['errors'] + many['errors']}"
                + (
                    f" | target p95 <= {target:.0f} ms: {'met' if one['p95_ms'] <= target else 'MISSED'}"
                    if target
                    else ""
                ),
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    if export:
        print(
            f"orders CSV export: {export['rows']:,} rows, {export['mb']} MB in {export['seconds']} s "
            f"(first byte {export['first_byte_ms']} ms); the worker's peak memory grew "
            f"{export['peak_rss_growth_mb']} MB over it (peak {export['peak_rss_mb']} MB), "
            f"{export['peak_rss_growth_small_mb']} MB over a {export['small_export_rows']:,}-row export"
        )
    missed = [r["page"] for r in results if r["target_p95_ms"] and r["one"]["p95_ms"] > r["target_p95_ms"]]
    errors = sum(r["one"]["errors"] + r["eight"]["errors"] for r in results)
    print(
        f"book: {prepared['investors']:,} investors, {prepared['orders']:,} orders; gunicorn {args.workers} sync "
        f"workers, production settings; load average at start {load[0]:.1f}"
    )
    print(f"targets missed: {', '.join(missed) or 'none'}; errors: {errors}")
    print(
        json.dumps(
            {
                "benchmark": "scale_pages",
                "investors": prepared["investors"],
                "orders": prepared["orders"],
                "workers": args.workers,
                "load_average": round(load[0], 2),
                "pages": {
                    r["page"]: {
                        "cold_ms": r["cold_ms"],
                        "p50_ms": r["one"]["p50_ms"],
                        "p95_ms": r["one"]["p95_ms"],
                        "rps_8_clients": r["eight"]["rps"],
                        "p95_ms_8_clients": r["eight"]["p95_ms"],
                        "target_p95_ms": r["target_p95_ms"],
                    }
                    for r in results
                },
                "export": export,
                "errors": errors,
                "missed": missed,
                "met": not missed and errors == 0,
            }
        )
    )
    return 0 if not missed and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
