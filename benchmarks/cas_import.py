"""End-to-end import time of a generated 2,000-transaction CAS against casparser's parse time of the same
file alone (target: end to end at most 1.5x the parse).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/cas_import.py [--runs 3] [--lines 2000]

End to end = cas_upload_accept (private storage, PDF/password/page checks) + cas_import_process (casparser,
scheme mapping, one-transaction ledger write, FIFO lots, valuations, investor totals), i.e. what the Celery
task does after the upload, run in-process. Each run imports into a fresh investor of the 'alpha'
distributor (so every line is really written), removed afterwards. Needs manage.py seed_demo (or at least
the demo distributors)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "False")

PAN = "BENCH1234Z"  # the statement's password, PAN-shaped like the registrars' (5 letters, 4 digits, 1 letter)


def _statement(target_lines: int):
    from apps.demo.casgen import SchemeSpec, statement_build, synthetic_nav_series
    from apps.portfolio.tests.factories import schemes_ensure

    schemes = schemes_ensure(count=16, prefix="CASB", amcs=6)
    end = date(2026, 6, 30)
    start = end - timedelta(days=365 * 6)
    specs = []
    for index, scheme in enumerate(schemes):
        navs = synthetic_nav_series(
            seed=index, start=start - timedelta(days=10), end=end, start_nav=Decimal("15") + index
        )
        specs.append(
            SchemeSpec(
                amc=scheme.amc.name,
                name=scheme.name,
                isin=scheme.isin_growth,
                rta_code=f"B{scheme.amfi_code}",
                registrar="CAMS" if index % 2 else "KFINTECH",
                idcw="payout" if index % 5 == 4 else "",
                nav_at=navs.__getitem__,
            )
        )
    # tune the SIP frequency so the statement holds about target_lines lines
    every = 30
    for _ in range(12):
        statement = statement_build(
            seed=11,
            issuer="CAMS",
            investor_name="Bench Investor",
            email="bench@example.com",
            mobile="+919800000999",
            pan=PAN,
            specs=specs,
            period_from=start,
            period_to=end,
            sip_every_days=every,
        )
        if abs(statement.transaction_count - target_lines) <= target_lines * 0.03:
            break
        every = max(5, round(every * statement.transaction_count / target_lines))
    return statement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    import casparser
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django_tenants.utils import tenant_context

    from apps.accounts.models import Investor
    from apps.demo.casgen import statement_render_pdf
    from apps.portfolio.services.cas_import import cas_import_process, cas_upload_accept
    from apps.users.models import User
    from tenants.models import Distributor

    alpha = Distributor.objects.filter(schema_name="alpha").first()
    if alpha is None:
        sys.exit("No 'alpha' distributor: run manage.py seed_demo first.")

    statement = _statement(args.lines)
    pdf = statement_render_pdf(statement, password=PAN)
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(pdf)
        path = handle.name

    parse_times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        data = casparser.read_cas_pdf(path, PAN)
        parse_times.append(time.perf_counter() - began)
    parsed_lines = sum(len(s.transactions) for f in data.folios for s in f.schemes)
    os.unlink(path)

    import_times = []
    created = []
    with tenant_context(alpha):
        for run in range(args.runs):
            user = User.objects.create_user(email=f"bench-cas-{os.getpid()}-{run}@alpha.localhost")
            investor = Investor.objects.create(user=user, full_name="Bench Investor")
            began = time.perf_counter()
            cas_import = cas_upload_accept(
                investor=investor,
                upload=SimpleUploadedFile("cas.pdf", pdf, "application/pdf"),
                password=PAN,
                enqueue=False,
            )
            cas_import = cas_import_process(import_id=cas_import.pk)
            import_times.append(time.perf_counter() - began)
            if cas_import.status != "done":
                sys.exit(f"import failed: {cas_import.error_code} {cas_import.error_message}")
            created.append(cas_import.transactions_created)
            investor.delete()
            user.delete()
    connection.close()

    parse, end_to_end = statistics.median(parse_times), statistics.median(import_times)
    print(f"statement: {statement.transaction_count} lines, {len(pdf) / 1024:.0f} KiB; casparser read {parsed_lines}")
    print(f"casparser parse alone : median {parse:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in parse_times)})")
    print(f"end-to-end import     : median {end_to_end:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in import_times)})")
    print(f"lines recorded per run: {created}")
    ratio = end_to_end / parse
    print(f"end-to-end / parse = {ratio:.2f}x (target <= 1.5x): {'OK' if ratio <= 1.5 else 'ABOVE TARGET'}")


if __name__ == "__main__":
    main()
