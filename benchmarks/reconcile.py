"""Reconciling a registrar feed of 100,000 transaction rows against a ledger of 100,000 transactions,
against a bare SQL join of the same rows (target: reconciliation at most 2x the join).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/reconcile.py [--rows 100000] [--runs 3]

Reconciliation = transactions_reconcile on a stored feed: judging every row against its ledger line
(matched or differs; reconciliation by exception writes only the rows that differ), placing the rows the
ledger lacks on our orders (every identifier, then folio/scheme/date/amount), the discrepancies of the
rows that differ (0.1% of them here), the orders the registrar lacks, and the counts.
The join = one SELECT joining the same feed rows to their ledger lines on the registrar's identity and
comparing units and amounts, fetched to Python. Both run in the 'alpha' distributor's schema, inside a
transaction rolled back at the end (nothing is left behind). Also printed, for information: reading and
storing the same rows from a CSV feed (parse + store + reconcile), not part of the target.
Needs the demo distributors (manage.py seed_demo)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "False")

TARGET = 2.0
JOIN_SQL = """
SELECT r.id, t.id, (abs(t.units) = r.units AND abs(t.amount) = r.amount) AS agrees
FROM reconciliation_registrartransaction r
JOIN portfolio_transaction t ON t.source = 'rta' AND t.source_ref = r.registrar || ':' || r.amc || ':' || r.txn_no
WHERE r.feed_id = %s
"""


class Rollback(Exception):
    pass


def _ledger_and_feed(rows: int):
    """One investor, folio and holding; `rows` ledger lines from the registrar; a feed of the same rows
    (every thousandth with other units)."""
    from apps.accounts.models import Investor
    from apps.funds.models import Amc, Scheme
    from apps.portfolio.models import Folio, Holding, Transaction
    from apps.reconciliation.models import RegistrarTransaction, RtaFeed
    from apps.users.models import User

    amc, _ = Amc.objects.get_or_create(code="bench-recon-amc", defaults={"name": "Bench Recon AMC"})
    scheme, _ = Scheme.objects.get_or_create(amfi_code="970001", defaults={"name": "Bench Recon Fund", "amc": amc})
    user = User.objects.create_user(email=f"bench-recon-{os.getpid()}@alpha.localhost")
    investor = Investor.objects.create(user=user, full_name="Bench Investor")
    folio = Folio.objects.create(investor=investor, folio_number="BENCH/1", amc=amc, registrar="cams")
    holding = Holding.objects.create(investor=investor, folio=folio, scheme=scheme, source_name=scheme.name)
    start = date(2026, 1, 1)
    ledger = [
        Transaction(
            investor=investor, folio=folio, holding=holding, scheme=scheme, kind="purchase",
            trade_date=start + timedelta(days=i % 300), amount=Decimal(1000 + i % 500), units=Decimal(20 + i % 7),
            nav=Decimal(50), source="rta", source_ref=f"cams:BENCH:{i}",
        )
        for i in range(rows)
    ]  # fmt: skip
    Transaction.objects.bulk_create(ledger, batch_size=5000)
    feed = RtaFeed.objects.create(registrar="cams", layout="cams_wbr2", kind="transactions", container="csv",
                                  original_name="bench.csv", sha256=f"bench-{os.getpid()}", source="command",
                                  rows=rows, period_from=start, period_to=start + timedelta(days=299))  # fmt: skip
    feed_rows = [
        RegistrarTransaction(
            feed=feed, registrar="cams", amc="BENCH", txn_no=str(i), folio="BENCH/1", scheme=scheme,
            scheme_code="BENCHG", kind="purchase", trade_date=start + timedelta(days=i % 300),
            units=Decimal(20 + i % 7) + (Decimal("0.5") if i % 1000 == 0 else 0), amount=Decimal(1000 + i % 500),
            nav=Decimal(50), investor=investor,
        )
        for i in range(rows)
    ]  # fmt: skip
    RegistrarTransaction.objects.bulk_create(feed_rows, batch_size=5000)
    return feed


def _reset(feed) -> None:
    from django.db.models import Q

    from apps.reconciliation.models import Discrepancy, RegistrarTransaction

    Discrepancy.objects.filter(feed=feed).delete()
    # only the rows reconciling wrote (the exceptions): a rewrite of every row would leave the table bloated
    touched = Q(outcome__gt="") | Q(ledger__isnull=False) | Q(order__isnull=False)
    RegistrarTransaction.objects.filter(feed=feed).filter(touched).update(outcome="", ledger=None, order=None)


def _csv_of(feed) -> bytes:
    from apps.reconciliation.models import RegistrarTransaction

    head = ["AMC_CODE", "FOLIO_NO", "PRODCODE", "SCHEME", "TRXNTYPE", "TRXNNO", "TRADDATE", "UNITS", "AMOUNT",
            "PURPRICE", "BROKCOMM"]  # fmt: skip
    lines = [",".join(head)]
    for r in RegistrarTransaction.objects.filter(feed=feed).values_list("txn_no", "trade_date", "units", "amount"):
        lines.append(f"BENCH2,BENCH/1,BENCHG,Bench Recon Fund,P,{r[0]},{r[1]:%d/%m/%Y},{r[2]},{r[3]},50,0")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    from apps.reconciliation.services.imports import feed_import
    from apps.reconciliation.services.matching import transactions_reconcile
    from tenants.models import Distributor

    alpha = Distributor.objects.filter(schema_name="alpha").first()
    if alpha is None:
        sys.exit("Run manage.py seed_demo first: the benchmark runs in the 'alpha' distributor.")
    with tenant_context(alpha), connection.cursor() as cursor:  # dead rows of earlier runs would be scanned too
        cursor.execute("VACUUM ANALYZE reconciliation_registrartransaction")
        cursor.execute("VACUUM ANALYZE portfolio_transaction")
    join_times, recon_times, outcomes = [], [], {}
    import_time = 0.0
    try:
        with tenant_context(alpha), transaction.atomic():
            began = time.perf_counter()
            feed = _ledger_and_feed(args.rows)
            print(
                f"set-up: {args.rows:,} ledger lines and {args.rows:,} feed rows in {time.perf_counter() - began:.1f} s"
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE portfolio_transaction")
                cursor.execute("ANALYZE reconciliation_registrartransaction")
            for _ in range(args.runs):
                with connection.cursor() as cursor:
                    began = time.perf_counter()
                    cursor.execute(JOIN_SQL, [feed.pk])
                    joined = cursor.fetchall()
                    join_times.append(time.perf_counter() - began)
                _reset(feed)
                began = time.perf_counter()
                result = transactions_reconcile(feed=feed)
                recon_times.append(time.perf_counter() - began)
                outcomes = result.outcomes
            assert len(joined) == args.rows, len(joined)
            content = _csv_of(feed)
            began = time.perf_counter()
            imported = feed_import(content=content, filename="bench.csv", source="command")
            import_time = time.perf_counter() - began
            print(f"CSV import of the same rows under another AMC code (parse + store + reconcile): "
                  f"{import_time:.2f} s, outcomes {imported.outcomes}")  # fmt: skip
            raise Rollback
    except Rollback:
        pass
    connection.close()

    join, recon = statistics.median(join_times), statistics.median(recon_times)
    ratio = recon / join
    print(f"bare SQL join  : median {join:.3f} s ({args.rows / join:,.0f} rows/s)  runs: "
          f"{', '.join(f'{t:.3f}' for t in join_times)}")  # fmt: skip
    print(f"reconciliation : median {recon:.3f} s ({args.rows / recon:,.0f} rows/s)  runs: "
          f"{', '.join(f'{t:.3f}' for t in recon_times)}")  # fmt: skip
    print(f"outcomes: {outcomes}")
    print(f"reconciliation / join = {ratio:.2f}x (target <= {TARGET}x): {'OK' if ratio <= TARGET else 'ABOVE TARGET'}")
    print(json.dumps({
        "benchmark": "reconcile", "rows": args.rows, "ledger_lines": args.rows, "runs": args.runs,
        "join_seconds": round(join, 4), "reconcile_seconds": round(recon, 4),
        "join_rows_per_second": round(args.rows / join), "reconcile_rows_per_second": round(args.rows / recon),
        "ratio": round(ratio, 3), "target_ratio": TARGET, "meets_target": ratio <= TARGET,
        "csv_import_seconds": round(import_time, 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
