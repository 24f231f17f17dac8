"""SIP day: N orders created through the service layer, submitted by 2 worker processes to the sandbox BSE
(SOAP over loopback, zeep) under the shared token-bucket rate limit. Prints orders per second submitted
and accepted, and how many were lost (must be 0): not accepted, or not exactly once at the exchange.

    DATABASE_URL=... REDIS_URL=... DJANGO_SETTINGS_MODULE=config.settings.dev \\
        .venv/bin/python benchmarks/order_burst.py --orders 10000 --rate 200

Needs a migrated database with the demo seeded (manage.py seed_demo): it uses distributor "alpha"."""

import argparse
import multiprocessing
import os
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def start_sandbox() -> int:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def configure(port: int, rate: float) -> None:
    base = f"http://localhost:{port}/sandbox"
    bse = dict(settings.ORDER_GATEWAYS["bse_starmf"])
    order_url = f"{base}/bse/MFOrderEntry/MFOrder.svc"
    bse.update(ORDER_URL=order_url, ORDER_WSDL=f"{order_url}?singleWsdl",
               SERVICES_URL=f"{base}/bse/StarMFWebService/StarMFWebService.svc/Basic",
               PASSWORD=settings.SANDBOX_BSE_PASSWORD, TIMEOUT=30.0)  # fmt: skip
    settings.ORDER_GATEWAYS = {**settings.ORDER_GATEWAYS, "bse_starmf": bse}
    settings.ORDER_GATEWAY_RATE_LIMITS = {"default": {"rate": rate, "burst": rate}}
    settings.ORDER_GATEWAY_RATE_LIMIT_MAX_WAIT = 60.0
    settings.ORDER_GATEWAY_CIRCUIT = {"threshold": 10_000, "cooldown_seconds": 5.0}
    settings.SANDBOX_AUTO_PAY_SECONDS = -1


def prepare(n: int, tenant, *, investors: int = 50):
    from apps.accounts.models import BankAccount, Investor
    from apps.funds.models import Amc, Scheme, SchemeCode
    from apps.orders.gateways.interface import CallContext
    from apps.orders.gateways.registry import gateway_get
    from apps.orders.services import outbox
    from apps.orders.services.clients import exchange_client_ensure
    from apps.orders.services.orders import order_create_confirmed
    from apps.users.models import User

    amc, _ = Amc.objects.get_or_create(code="bench-amc", defaults={"name": "Benchmark AMC"})
    scheme, _ = Scheme.objects.get_or_create(
        amfi_code="BENCH1", defaults={"name": "Benchmark fund", "amc": amc, "latest_nav": Decimal("25")}
    )
    SchemeCode.objects.get_or_create(source="bse", code="BENCH1-GR", defaults={"scheme": scheme})
    outbox.outbox_dispatch = lambda **kwargs: None  # the two workers below drain the outbox
    run = uuid.uuid4().hex[:6]
    with tenant_context(tenant):
        people = []
        for i in range(investors):
            user = User.objects.create_user(email=f"bench-{run}-{i}@example.com", password=uuid.uuid4().hex)
            pan = f"BENCH{(int(run, 16) + i) % 10000:04d}{'ABCDEFGHJK'[i % 10]}"
            investor = Investor.objects.filter(pan=pan).first() or Investor.objects.create(
                user=user, full_name=f"Bench {i}", pan=pan, mobile="9000000000", kyc_status="verified"
            )
            BankAccount.objects.get_or_create(investor=investor, account_number=f"99{i:010d}", ifsc="HDFC0001234")
            exchange_client_ensure(investor=investor, gateway=gateway_get("bse_starmf"), call=CallContext())
            people.append(investor)
        started = time.monotonic()
        orders = [
            order_create_confirmed(
                investor=people[i % investors], scheme=scheme, amount=Decimal(500 + i % 100), source="sip day"
            )  # fmt: skip
            for i in range(n)
        ]
        created_in = time.monotonic() - started
    return [o.pk for o in orders], created_in


def worker(schema: str, port: int, rate: float) -> None:
    connections.close_all()
    configure(port, rate)
    from apps.orders.models import OutboxMessage
    from apps.orders.services import outbox, outbox_runner
    from tenants.models import Distributor

    outbox.outbox_dispatch = lambda **kwargs: None
    tenant = Distributor.objects.get(schema_name=schema)
    with tenant_context(tenant):
        idle = 0
        while idle < 3:
            ids = list(OutboxMessage.objects.filter(status="pending").order_by("?").values_list("pk", flat=True)[:50])
            if not ids:
                idle += 1
                time.sleep(0.2)
                continue
            idle = 0
            for message_id in ids:
                outbox_runner.outbox_process(message_id=message_id)
    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="gateway token bucket, calls per second")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from apps.orders.models import ExchangeAttempt, Order
    from apps.sandbox.models import BseOrder
    from tenants.models import Distributor

    port = start_sandbox()
    configure(port, args.rate)
    tenant = Distributor.objects.get(schema_name="alpha")
    order_ids, created_in = prepare(args.orders, tenant)
    print(f"created {len(order_ids)} queued orders (order + outbox row each) in {created_in:.1f}s "
          f"({len(order_ids) / created_in:.0f}/s)")  # fmt: skip
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    started = time.monotonic()
    procs = [ctx.Process(target=worker, args=("alpha", port, args.rate)) for _ in range(args.workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - started - 0.6  # less the workers' idle wait at the end
    connection.set_schema_to_public()
    with tenant_context(tenant):
        orders = Order.objects.filter(pk__in=order_ids)
        accepted = orders.filter(status="payment_pending").count()
        attempts = ExchangeAttempt.objects.filter(order_id__in=order_ids).count()
        refs = list(orders.values_list("client_ref", flat=True))
        states = dict(orders.values_list("status").annotate(n=Count("id")))
    at_exchange = BseOrder.objects.filter(ref_no__in=refs)
    duplicates = at_exchange.values("ref_no").annotate(n=Count("id")).filter(n__gt=1).count()
    lost = len(order_ids) - accepted + duplicates + (len(order_ids) - at_exchange.count())
    print(f"workers: {args.workers}, rate limit: {args.rate:.0f} calls/s, elapsed: {elapsed:.1f}s")
    print(f"submitted: {attempts} attempts, {attempts / elapsed:.1f} orders/s")
    print(f"accepted:  {accepted} orders, {accepted / elapsed:.1f} orders/s")
    print(f"at the exchange: {at_exchange.count()}, duplicates: {duplicates}, states: {states}")
    print(f"lost: {lost}")


if __name__ == "__main__":
    main()
