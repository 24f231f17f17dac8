"""Time to render a transaction statement of 10,000 lines as a branded PDF (target: within 10 s).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/statement_pdf.py [--runs 3] [--lines 10000]

Each run is what the statements queue's task does: `statement_render` reads the lines from the ledger,
builds the document, lays it out with ReportLab and writes the private file. The lines are bulk-inserted
for a fresh investor of the 'alpha' distributor, removed afterwards. Needs the demo distributors
(manage.py seed_demo, or `make run` once). Prints each run, then one JSON line with the figures and target."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "False")

TARGET_SECONDS = 10.0


def _ledger(lines: int):
    """A fresh investor with `lines` transactions over 20 holdings in one folio."""
    from apps.accounts.models import Investor
    from apps.portfolio.models import Folio, Holding, Transaction
    from apps.users.models import User

    tag = uuid.uuid4().hex[:8]
    user = User.objects.create_user(email=f"bench-statement-{tag}@example.com", password=None)
    investor = Investor.objects.create(user=user, full_name="Benchmark Investor", email=user.email)
    folio = Folio.objects.create(investor=investor, folio_number=f"BENCH{tag}", amc_name="Benchmark Mutual Fund")
    holdings = Holding.objects.bulk_create(
        [
            Holding(investor=investor, folio=folio, source_name=f"Benchmark Flexi Cap Fund {i} - Direct Plan - Growth")
            for i in range(20)
        ]
    )
    start = date(2016, 4, 1)
    rows = []
    for i in range(lines):
        holding = holdings[i % len(holdings)]
        nav = Decimal("10") + Decimal(i % 500) / 10
        amount = Decimal(1000 + (i % 37) * 100)
        rows.append(
            Transaction(
                investor=investor,
                folio=folio,
                holding=holding,
                kind="sip",
                trade_date=start + timedelta(days=i * 3650 // lines),
                amount=amount,
                units=(amount / nav).quantize(Decimal("0.0001")),
                nav=nav,
                cash_flow=-amount,
                source="order",
                source_ref=f"bench-{tag}-{i}",
            )
        )
    Transaction.objects.bulk_create(rows, batch_size=2000)
    return investor, start, start + timedelta(days=3650)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django_tenants.utils import tenant_context

    from apps.reports.models import Statement
    from apps.reports.rendering import statement_render
    from tenants.models import Distributor

    settings.PRIVATE_STORAGE_ROOT = Path(tempfile.mkdtemp(prefix="statement-bench-"))
    tenant = Distributor.objects.get(schema_name="alpha")
    seconds, pages, sizes = [], 0, []
    with tenant_context(tenant):
        investor, first, last = _ledger(args.lines)
        try:
            for run in range(1, args.runs + 1):
                statement = Statement.objects.create(
                    investor=investor, kind="transactions", period_from=first, period_to=last
                )
                began = time.perf_counter()
                statement = statement_render(statement_id=statement.pk)
                elapsed = time.perf_counter() - began
                if statement.status != "done":
                    print(f"run {run}: failed: {statement.error_message}", file=sys.stderr)
                    return 1
                seconds.append(elapsed)
                pages, sizes = statement.page_count, [*sizes, statement.file_size]
                print(
                    f"run {run}: {args.lines} lines -> {pages} pages, "
                    f"{statement.file_size / 1e6:.2f} MB in {elapsed:.2f} s"
                )
        finally:
            user = investor.user
            investor.delete()
            user.delete()
    median = statistics.median(seconds)
    print(
        json.dumps(
            {
                "benchmark": "statement_pdf",
                "lines": args.lines,
                "pages": pages,
                "bytes": sizes[-1],
                "seconds_median": round(median, 3),
                "seconds_max": round(max(seconds), 3),
                "target_seconds": TARGET_SECONDS,
                "within_target": max(seconds) <= TARGET_SECONDS,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
