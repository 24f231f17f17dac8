"""Fault runs against a running `make cluster` (reads .data/cluster/state.json). Three runs, each bounded
in time, all traffic on loopback:

1. web: a GET load through nginx while one web process is killed (SIGKILL) mid-run. Target: no request
   lost (nginx retries idempotent requests on the other web process).
2. worker: orders queued for the Celery workers while one worker is killed (SIGKILL) mid-run. Target:
   every order accepted at the exchange exactly once (late acknowledgement; the outbox sweep re-sends
   what the dead worker held).
3. replica: an analytics load (fund search, routed to the replica) while the replica is stopped.
   Target: no request fails; reads go back to the primary. The replica is started again afterwards.

    make cluster                      # in one terminal
    .venv/bin/python benchmarks/cluster_faults.py [--orders 200] [--seconds 20]

Prints its figures; the last line is one JSON object with the figures and the targets.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = json.loads((ROOT / ".data" / "cluster" / "state.json").read_text())
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings.dev",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:{STATE['primary_port']}/mfd",
    REDIS_URL=STATE["redis_url"],
    PORT=str(STATE["url"].rsplit(":", 1)[1].strip("/")),
    CACHE_KEY_PREFIX="mfd-cluster",
)
os.environ.pop("DATABASE_REPLICA_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

NGINX = STATE["url"].rstrip("/")
AT_EXCHANGE = ("accepted", "found")
PG_BIN = Path(os.environ.get("POSTGRES_BIN_DIR", "/usr/lib/postgresql/15/bin"))
FAULTS = ("web", "replica", "worker")


def load(path: str, *, seconds: float, threads: int, cookie: str = "", during=None) -> dict:
    """GETs `path` on alpha's host through nginx from `threads` threads for `seconds`; `during` runs once
    a third of the way in. Counts answers that are not 200 and requests that got no answer, and says how
    each failed request failed (`failures`: kind -> count; `failed_at`: seconds after the start)."""
    started = time.monotonic()
    stop_at = started + seconds
    counts = {"requests": 0, "ok": 0, "failed": 0}
    failures: dict[str, int] = {}
    failed_at: list[float] = []
    lock = threading.Lock()

    def run():
        while time.monotonic() < stop_at:
            request = urllib.request.Request(NGINX + path, headers={"Host": "alpha.localhost", "Cookie": cookie})
            sent = time.monotonic()
            failure = None
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
                    response.read()
                    if response.status != 200:
                        failure = f"status {response.status}"
            except urllib.error.HTTPError as error:
                failure = f"status {error.code}"
            except Exception as error:  # noqa: BLE001 (every way a request can fail is counted by its kind)
                failure = failure_kind(error)
            with lock:
                counts["requests"] += 1
                counts["failed" if failure else "ok"] += 1
                if failure:
                    failures[failure] = failures.get(failure, 0) + 1
                    failed_at.append(round(sent - started, 2))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    if during is not None:
        time.sleep(seconds / 3)
        counts["fault_at"] = round(time.monotonic() - started, 2)
        during()
    for worker in workers:
        worker.join()
    return {**counts, "failures": failures, "failed_at": sorted(failed_at)}


def failure_kind(error: Exception) -> str:
    """How a request without a complete answer failed: no byte of a response (the connection closed or
    was reset first), a response cut short after its headers, a timeout, or no connection at all."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, http.client.IncompleteRead):
        return "body cut short"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "closed before any byte"
    if isinstance(reason, TimeoutError):
        return "timeout"
    if isinstance(reason, ConnectionResetError):
        return "reset"
    if isinstance(reason, ConnectionRefusedError):
        return "refused"
    return type(reason).__name__


def investor_session_cookie() -> str:
    """A signed-in session of alpha's demo investor, as the browser would hold it."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from apps.users.models import User
    from tenants.models import Distributor

    with tenant_context(Distributor.objects.get(schema_name="alpha")):
        user = User.objects.get(email="investor@alpha.localhost")
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def kill_process_tree(pid: int) -> None:
    """SIGKILL to a gunicorn master and its workers at once: the whole web process dies, as a container would."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for victim in [pid, *map(int, children)]:
        os.kill(victim, signal.SIGKILL)


def web_fault(seconds: float) -> dict:
    victim = STATE["web_pids"][0]
    counts = load("/api/v1/branding", seconds=seconds, threads=8, during=lambda: kill_process_tree(victim))
    print(f"web: killed web process {victim} mid-run; {counts}")
    return counts


def worker_fault(n: int, timeout: float) -> dict:
    from apps.accounts.models import BANK_ACCOUNT_NUMBER_PURPOSE, BankAccount, Investor
    from apps.core.crypto import keyed_hash
    from apps.funds.models import Scheme
    from apps.orders.gateways.interface import CallContext
    from apps.orders.gateways.registry import gateway_get
    from apps.orders.models import Order
    from apps.orders.services.clients import exchange_client_ensure
    from apps.orders.services.orders import order_create_confirmed
    from apps.sandbox.models import BseOrder
    from tenants.models import Distributor

    tenant = Distributor.objects.get(schema_name="alpha")
    scheme = Scheme.objects.filter(codes__source="bse").exclude(latest_nav=None).first()
    victim = STATE["worker_pids"][0]
    with tenant_context(tenant):
        investor = Investor.objects.filter(kyc_status="verified").first()
        number = "990000000001"  # encrypted at rest: looked up by its keyed hash
        BankAccount.objects.get_or_create(
            investor=investor, account_number_hash=keyed_hash(number, purpose=BANK_ACCOUNT_NUMBER_PURPOSE),
            ifsc="HDFC0001234", defaults={"account_number": number},
        )  # fmt: skip
        exchange_client_ensure(investor=investor, gateway=gateway_get("bse_starmf"), call=CallContext())
        started = time.monotonic()
        ids = []
        for i in range(n):
            order = order_create_confirmed(investor=investor, scheme=scheme, amount=Decimal(500 + i), source="sip")
            ids.append(order.pk)
            if i == n // 3:
                os.kill(victim, signal.SIGKILL)  # the workers are busy submitting the first third
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if Order.objects.filter(pk__in=ids, attempts__outcome__in=AT_EXCHANGE).distinct().count() == n:
                break
            time.sleep(2)
        elapsed = time.monotonic() - started
        orders = Order.objects.filter(pk__in=ids)
        # accepted when sent, or found at the exchange by a status query after the worker died mid-call
        accepted = orders.filter(attempts__outcome__in=AT_EXCHANGE).distinct().count()
        refs = list(orders.values_list("client_ref", flat=True))
        states = dict(orders.values_list("status").annotate(n=Count("id")))
    at_exchange = BseOrder.objects.filter(ref_no__in=refs)
    duplicates = at_exchange.values("ref_no").annotate(n=Count("id")).filter(n__gt=1).count()
    figures = {
        "orders": n,
        "accepted": accepted,
        "at_exchange": at_exchange.values("ref_no").distinct().count(),
        "duplicates": duplicates,
        "seconds": round(elapsed, 1),
        "states": states,
    }
    print(f"worker: killed worker {victim} after {n // 3 + 1} orders; {figures}")
    return figures


def replica_fault(seconds: float) -> dict:
    cookie = investor_session_cookie()
    replica_dir = STATE["replica_data"]
    ctl = [str(PG_BIN / "pg_ctl"), "-D", replica_dir, "-m", "fast", "-w"]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    before = load("/api/v1/funds/?q=equity", seconds=3, threads=4, cookie=cookie)
    used = _replica_backends()

    def stop_replica():
        subprocess.run([*as_postgres, *ctl, "stop"], check=True, capture_output=True)

    counts = load("/api/v1/funds/?q=equity", seconds=seconds, threads=4, cookie=cookie, during=stop_replica)
    options = f"-p {STATE['replica_port']} -k {Path(replica_dir).parent / 'sockets'} -c listen_addresses=127.0.0.1"
    log = str(Path(replica_dir).parent / "replica.log")
    subprocess.run([*as_postgres, *ctl, "-l", log, "-o", options, "start"], check=True, capture_output=True)
    figures = {**counts, "warm_up_ok": before["ok"], "replica_sessions_before_stop": used}
    print(f"replica: stopped mid-run (and started again); {figures}")
    return figures


def _replica_backends() -> int:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{STATE['replica_port']}/mfd") as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'mfd' AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    return row[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--order-timeout", type=float, default=360.0, help="the outbox sweep re-sends after 60-120 s")
    parser.add_argument("--only", choices=FAULTS, action="append", help="run only this fault (repeatable)")
    args = parser.parse_args()
    figures, targets = {}, {}
    if "web" in (args.only or FAULTS):
        web = web_fault(args.seconds)
        figures |= {"web_requests": web["requests"], "web_failed": web["failed"], "web_failures": web["failures"]}
        targets["web_failed"] = 0
        time.sleep(3)  # the supervisor restarts the killed web process
    if "replica" in (args.only or FAULTS):
        replica = replica_fault(args.seconds)
        figures |= {"replica_requests": replica["requests"], "replica_failed": replica["failed"],
                    "replica_sessions_before_stop": replica["replica_sessions_before_stop"]}  # fmt: skip
        targets["replica_failed"] = 0
    if "worker" in (args.only or FAULTS):
        worker = worker_fault(args.orders, args.order_timeout)
        figures |= {"orders": worker["orders"], "orders_accepted": worker["accepted"],
                    "orders_duplicated": worker["duplicates"], "orders_seconds": worker["seconds"]}  # fmt: skip
        targets |= {"orders_lost": 0, "orders_duplicated": 0}
    print(json.dumps({
        **figures, "targets": targets,
        "machine": "2 shared cores; other engineers' test runs on the same machine",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
