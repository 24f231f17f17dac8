"""AMFI NAV history at scale: a synthetic file in AMFI's history layout (default 10,000,000 rows), imported
by the history importer, against a bare COPY of the same rows (target: the import's rows per second at
least half the bare COPY's, in memory that does not grow with the file).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mfd .venv/bin/python benchmarks/nav_history_import.py \
        [--rows 10000000] [--schemes 4000]

The file has AMFI's history header, category and AMC lines, and per scheme one row per calendar day
(a few "N.A." NAVs among them). The bare COPY reads the same file in blocks, keeps its data rows and COPYs
them, typed, into a table without indexes. Peak memory is the process's maximum resident set size, read
after the import (generation and COPY stream too). Runs in a scratch database (benchmarks/scratch.py)."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HEADER = (
    "Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;Scheme Name;Net Asset Value;"
    "Repurchase Price;Sale Price;Date"
)
CATEGORIES = ["Open Ended Schemes(Equity Scheme - Large Cap Fund)", "Open Ended Schemes(Debt Scheme - Liquid Fund)"]
TARGET = 0.5
BLOCK = 8 * 1024 * 1024


def generate(path: Path, *, rows: int, schemes: int) -> int:
    """Writes the file; returns its data rows."""
    days = -(-rows // schemes)
    first = date(2026, 8, 19) - timedelta(days=days - 1)
    dates = [(first + timedelta(days=d)).strftime("%d-%b-%Y") for d in range(days)]
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n\r\n")
        for s in range(schemes):
            if s % 500 == 0:
                out.write(f"{CATEGORIES[(s // 500) % 2]}\r\n\r\nSynthetic {s // 500} Mutual Fund\r\n\r\n")
            code, name = 300000 + s, f"Synthetic Fund {s} - Direct Plan - Growth"
            nav = 10.0 + s % 90
            lines = []
            for d in range(min(days, rows - written)):
                value = "N.A." if d % 997 == 996 else f"{nav + d * 0.0131:.4f}"
                lines.append(f"{code};;;{name};{value};;;{dates[d]}\r\n")
            out.write("".join(lines))
            written += len(lines)
            if written >= rows:
                break
    return written


def bare_copy(path: Path) -> tuple[float, int]:
    """(seconds, rows) to COPY the file's data rows, typed, into a bare table, committed."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_history")
        cursor.execute(
            "CREATE TABLE bench_bare_history (amfi_code integer, isin_growth text, isin_reinvest text, name text, "
            "nav text, repurchase_price text, sale_price text, nav_date date)"
        )
    started = time.perf_counter()
    tail = ""
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy("COPY bench_bare_history FROM STDIN (FORMAT text, DELIMITER ';')") as copy,
        path.open("r", encoding="utf-8", newline="") as file,
    ):
        file.readline()  # the header
        while block := file.read(BLOCK):
            lines = (tail + block).split("\r\n")
            tail = lines.pop()
            copy.write("".join(line + "\n" for line in lines if ";" in line))
        if ";" in tail:
            copy.write(tail + "\n")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare_history")
        (count,) = cursor.fetchone()
        cursor.execute("DROP TABLE bench_bare_history")
    return elapsed, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--schemes", type=int, default=4000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    from benchmarks.scratch import django_setup, scratch_database

    with scratch_database(keep=args.keep), tempfile.TemporaryDirectory() as directory:
        django_setup()
        from django.core.management import call_command

        from apps.funds.importers.history import import_amfi_nav_history

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        path = Path(directory) / "amfi_nav_history.txt"
        started = time.perf_counter()
        rows = generate(path, rows=args.rows, schemes=args.schemes)
        generated = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        print(f"generated {rows:,} rows ({size_mb:,.0f} MB) in {generated:.1f} s", flush=True)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        run = import_amfi_nav_history(source=str(path), actor_label="benchmark")
        imported = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert run.report["rows"] == rows, run.report["rows"]
        print(f"import: {imported:.1f} s, {run.inserted:,} NAVs inserted, {run.skipped:,} skipped", flush=True)
        copied, copied_rows = bare_copy(path)
        assert copied_rows == rows

    import_rate, copy_rate = rows / imported, rows / copied
    ratio = import_rate / copy_rate
    print(f"  import   : {imported:8.1f} s  {import_rate:12,.0f} rows/s")
    print(f"  bare COPY: {copied:8.1f} s  {copy_rate:12,.0f} rows/s")
    print(f"  import / bare COPY throughput = {ratio:.2f} (target >= {TARGET})")
    print(f"  peak memory: {rss_before:,.0f} MB before the import, {rss_after:,.0f} MB after ({size_mb:,.0f} MB file)")
    print(
        json.dumps(
            {
                "benchmark": "nav_history_import",
                "rows": rows,
                "file_mb": round(size_mb),
                "import_seconds": round(imported, 1),
                "copy_seconds": round(copied, 1),
                "import_rows_per_s": round(import_rate),
                "copy_rows_per_s": round(copy_rate),
                "throughput_ratio": round(ratio, 3),
                "peak_rss_mb_before_import": round(rss_before),
                "peak_rss_mb_after_import": round(rss_after),
                "target_throughput_ratio": TARGET,
                "met": ratio >= TARGET,
            }
        )
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
