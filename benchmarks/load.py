"""Mixed load on the investor API of the scale distributor (benchmarks/seed_scale.py), with locust,
headless, against gunicorn with production settings and Redis: 70% portfolio reads (summary, holdings,
transactions), 20% fund search, 8% order placement with its OTP confirmation, 2% CAS uploads, spread over
200 investors who each hold a JWT access token. Prints req/s, p50/p95/p99 per route and the errors.
Target on this machine: at least 250 req/s with 0 errors and p95 at most 150 ms.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/load.py [--seconds 40] [--users 32]

OTPs: the server runs with NOTIFIER_BACKEND set to CapturingNotifier below, a benchmark-only notifier that
keeps each code in Redis under the target's key (nothing is sent); the locust user reads it there and
confirms, as the investor would type it. Production code is unchanged: OTP budgets, throttles for CAS
uploads, orders and OTPs all apply (the per-user and per-IP API rates are lifted, as all benchmarks do).
Each locust user owns its own investors, so no two users wait for codes to the same address. Keep a run
short enough for the OTP budget (6 order codes per investor in 10 minutes): about 40 s at 250 req/s.

Orders need a scheme the exchange lists: the first --schemes synthetic schemes get a BSE scheme code (the
benchmark's reference data, in a namespace of its own). Orders are queued for the exchange after their OTP
(Celery through Redis); no worker runs, so none is sent."""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OTP_KEY = "bench-load:otp:{target}"
CODE_RE = re.compile(r"\b(\d{6})\b")
TARGET_RPS, TARGET_P95_MS = 250.0, 150.0


class CapturingNotifier:
    """Benchmark only: keeps the OTP of each message in Redis for benchmarks/load.py to read."""

    def send(self, message) -> None:
        import redis

        match = CODE_RE.search(message.body)
        if match:
            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            client.set(OTP_KEY.format(target=message.target.strip().lower()), match.group(1), ex=600)


def prepare(path: Path, *, investors: int, schemes: int) -> None:
    """Tokens for `investors` verified investors, orderable schemes and one CAS PDF, written to `path`."""
    from benchmarks.seed_scale import AMFI_BASE, SCHEMA, benchmark_environment

    benchmark_environment()
    import django

    django.setup()
    from django_tenants.utils import tenant_context

    from apps.accounts.models import Investor, KycStatus
    from apps.demo.casgen import SchemeSpec, statement_build, statement_render_pdf, synthetic_nav_series
    from apps.funds.models import Scheme, SchemeCode
    from benchmarks.scale_pages import investor_token
    from tenants.models import Distributor

    distributor = Distributor.objects.filter(schema_name=SCHEMA).first()
    if distributor is None:
        sys.exit(f'No "{SCHEMA}" distributor: run benchmarks/seed_scale.py first.')
    listed = list(Scheme.objects.filter(amfi_code__in=[str(AMFI_BASE + s) for s in range(schemes)]))
    for scheme in listed:
        SchemeCode.objects.get_or_create(source=SchemeCode.Source.BSE, code=f"SCALE{scheme.amfi_code}", scheme=scheme)
    with tenant_context(distributor):
        people = list(
            Investor.objects.filter(kyc_status=KycStatus.VERIFIED, bank_accounts__is_primary=True)
            .select_related("user")
            .order_by("pk")[:investors]
        )
        rows = [
            {"token": investor_token(user=p.user), "targets": [t.lower() for t in (p.mobile, p.email) if t]}
            for p in people
        ]
    from datetime import date
    from decimal import Decimal

    first = people[0]
    navs = synthetic_nav_series(seed=5, start=date(2022, 1, 1), end=date(2025, 12, 31), start_nav=Decimal("20"))
    statement = statement_build(
        seed=5,
        issuer="CAMS",
        investor_name=first.full_name,
        email=first.email,
        mobile=first.mobile,
        pan=first.pan,
        specs=[
            SchemeSpec(
                amc="Scalewell 0 Mutual Fund", name=listed[0].name, isin="", rta_code="SW01", nav_at=navs.__getitem__
            )
        ],
        period_from=date(2023, 1, 1),
        period_to=date(2024, 12, 31),
    )
    pdf = path.with_suffix(".pdf")
    pdf.write_bytes(statement_render_pdf(statement, password=first.pan))
    path.write_text(
        json.dumps(
            {"investors": rows, "schemes": [s.amfi_code for s in listed], "pdf": str(pdf), "password": first.pan}
        )
    )


def _serve(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        THROTTLE_RATE_IP="100000000/min",
        THROTTLE_RATE_USER="100000000/min",
        NOTIFIER_BACKEND="benchmarks.load.CapturingNotifier",
        SMS_NOTIFIER_BACKEND="benchmarks.load.CapturingNotifier",
        LOG_LEVEL="WARNING",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--chdir", str(ROOT), "-b", f"127.0.0.1:{port}"]
        + ["-w", str(workers), "--log-level", "warning"],
        env=env,
    )
    from benchmarks.scratch import gunicorn_ready

    return gunicorn_ready(server, port)


def run(data: dict, *, base: str, users: int, seconds: float) -> dict:
    """Runs locust in this process (imported only here: it patches the standard library with gevent)."""
    import gevent
    import redis
    from locust import FastHttpUser, constant, events, task
    from locust.env import Environment

    from benchmarks.seed_scale import HOST

    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    investors, schemes = data["investors"], data["schemes"]
    pdf = Path(data["pdf"]).read_bytes()
    counter = iter(range(10**9))
    headers = {"Host": HOST, "X-Forwarded-Proto": "https"}

    class Investor(FastHttpUser):
        host = base
        wait_time = constant(0)

        def on_start(self):
            n = next(counter)
            self.mine = investors[n % users :: users] or investors
            self.turn = self.order_turn = 0

        def _who(self) -> dict:
            self.turn += 1
            return self.mine[self.turn % len(self.mine)]

        def _orderer(self) -> dict:
            """Orders take turns of their own, so each investor's OTP budget is spent evenly."""
            self.order_turn += 1
            return self.mine[self.order_turn % len(self.mine)]

        def _get(self, path: str, name: str, who: dict):
            self.client.get(path, name=name, headers={**headers, "Authorization": f"Bearer {who['token']}"})

        @task(30)
        def summary(self):
            self._get("/api/v1/portfolio/summary", "GET portfolio summary", self._who())

        @task(25)
        def holdings(self):
            self._get("/api/v1/portfolio/holdings", "GET portfolio holdings", self._who())

        @task(15)
        def transactions(self):
            self._get("/api/v1/portfolio/transactions?page_size=50", "GET portfolio transactions", self._who())

        @task(20)
        def fund_search(self):
            word = secrets.choice(["Scalewell", "Fund 1", "Growth", "Scalewell 7", "Direct"])
            self._get(f"/api/v1/funds/?q={word}", "GET fund search", self._who())

        @task(8)
        def order(self):
            who = self._orderer()
            auth = {**headers, "Authorization": f"Bearer {who['token']}"}
            for target in who["targets"]:
                store.delete(OTP_KEY.format(target=target))
            body = {"kind": "purchase", "scheme": secrets.choice(schemes), "amount": "5000"}
            placed = self.client.post(
                "/api/v1/orders",
                json=body,
                name="POST order",
                headers={**auth, "Idempotency-Key": secrets.token_hex(16)},
            )
            if placed.status_code != 201:
                return
            code = next((c for t in who["targets"] if (c := store.get(OTP_KEY.format(target=t)))), None)
            if code is None:
                events.request.fire(
                    request_type="OTP",
                    name="OTP delivered",
                    response_time=0,
                    response_length=0,
                    exception=RuntimeError("no code captured"),
                )
                return
            order_id = placed.json()["id"]
            self.client.post(
                f"/api/v1/orders/{order_id}/confirm",
                json={"code": code.decode()},
                name="POST order confirm",
                headers=auth,
            )

        @task(2)
        def cas_upload(self):
            who = self._who()
            self.client.post(
                "/api/v1/imports",
                name="POST CAS upload",
                headers={**headers, "Authorization": f"Bearer {who['token']}"},
                files={"file": ("cas.pdf", pdf, "application/pdf")},
                data={"password": data["password"]},
            )

    env = Environment(user_classes=[Investor], events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(2)  # everyone started and warm
    env.stats.reset_all()
    started = time.perf_counter()
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - started
    runner.quit()

    routes = {}
    for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
        routes[entry.name] = {
            "requests": entry.num_requests,
            "rps": round(entry.num_requests / elapsed, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "errors": entry.num_failures,
        }
    total = env.stats.total
    return {
        "routes": routes,
        "rps": round(total.num_requests / elapsed, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "errors": total.num_failures,
        "error_kinds": {str(e.error)[:120]: e.occurrences for e in env.stats.errors.values()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--users", type=int, default=32, help="concurrent locust users (each never waits)")
    parser.add_argument("--investors", type=int, default=200)
    parser.add_argument("--schemes", type=int, default=20, help="schemes the exchange lists")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)  # internal: the preparing child process
    args = parser.parse_args()

    if args.prepare:
        prepare(Path(args.prepare), investors=args.investors, schemes=args.schemes)
        return 0
    from benchmarks.seed_scale import benchmark_environment

    benchmark_environment()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "load.json"
        # Django and the database in a child: locust patches this process with gevent
        subprocess.run(
            [sys.executable, __file__, "--prepare", str(path), "--investors", str(args.investors)]
            + ["--schemes", str(args.schemes)],
            check=True,
        )
        data = json.loads(path.read_text())
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        load = os.getloadavg()
        server = _serve(port, args.workers)
        try:
            result = run(data, base=f"http://127.0.0.1:{port}", users=args.users, seconds=args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"{'route':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in result["routes"].items():
        print(
            f"{name:<28} {r['rps']:>8.1f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['p99_ms']:>8.0f} {r['errors']:>7}"
        )
    print(
        f"{'all':<28} {result['rps']:>8.1f} {result['p50_ms']:>8.0f} {result['p95_ms']:>8.0f} "
        f"{result['p99_ms']:>8.0f} {result['errors']:>7}"
    )
    for kind, n in result["error_kinds"].items():
        print(f"  error x{n}: {kind}")
    met = result["rps"] >= TARGET_RPS and result["errors"] == 0 and result["p95_ms"] <= TARGET_P95_MS
    print(
        f"{len(data['investors'])} investors with JWTs, {args.users} locust users, gunicorn {args.workers} sync "
        f"workers, production settings; load average at start {load[0]:.1f}; "
        f"target >= {TARGET_RPS:.0f} req/s, 0 errors, p95 <= {TARGET_P95_MS:.0f} ms: {'met' if met else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "benchmark": "load",
                "investors": len(data["investors"]),
                "users": args.users,
                "workers": args.workers,
                "seconds": args.seconds,
                "load_average": round(load[0], 2),
                **{k: result[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors")},
                "routes": result["routes"],
                "target_rps": TARGET_RPS,
                "target_p95_ms": TARGET_P95_MS,
                "met": met,
            }
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
