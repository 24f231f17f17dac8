"""NAV import speed against a bare COPY of the same rows (targets: the daily import at most 5x, an
unchanged file at most 2x).

In a scratch database of its own (benchmarks/scratch.py), each round:
1. imports AMFI's full 8-column NAVAll file into empty fund tables (the first import ever; no target),
2. imports the next trading day's file (the same file with its dates moved on: every scheme known, every
   NAV new) -- the daily import,
3. imports that file again (unchanged: recognised by its content hash),
4. COPYs the file's data rows (read, split on ";", typed columns) into a bare table without indexes.
The median of the rounds is printed with the ratios, then one JSON line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mfd .venv/bin/python benchmarks/nav_import.py [--repeat 3]

Benchmarks are not runtime code: this script reads ../shared/data."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "amfi" / "amfi_NAVAll_2026-08-19_8col_planoption.txt"
FILE_DAY = date(2026, 8, 19)
TARGET_DAILY, TARGET_UNCHANGED = 5.0, 2.0


def _bare_copy(path: Path) -> float:
    """Seconds to read the file, split its data rows and COPY them into a bare table, committed."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_nav")
        cursor.execute(
            "CREATE TABLE bench_bare_nav (amfi_code varchar(12), isin_growth varchar(12), isin_reinvest varchar(12), "
            "name text, plan text, option text, nav numeric(20, 8), nav_date date)"
        )
    started = time.perf_counter()
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    width = lines[0].count(";") + 1
    rows = [line.split(";") for line in lines[1:] if line.count(";") == width - 1]
    with transaction.atomic(), connection.cursor() as cursor, cursor.copy("COPY bench_bare_nav FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare_nav")
        assert cursor.fetchone()[0] == len(rows)
    return elapsed


def _next_day_file(source: Path, directory: Path, days: int) -> Path:
    day = (FILE_DAY + timedelta(days=days)).strftime("%d-%b-%Y")
    path = directory / f"NAVAll_{day}.txt"
    path.write_bytes(source.read_bytes().replace(FILE_DAY.strftime("%d-%b-%Y").encode(), day.encode()))
    return path


def _empty_fund_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE funds_navhistory, funds_schemecode, funds_scheme, funds_amc, funds_importrun, core_auditlog"
        )


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    from benchmarks.scratch import django_setup, scratch_database

    with scratch_database(keep=args.keep), tempfile.TemporaryDirectory() as directory:
        django_setup()
        from django.core.management import call_command

        from apps.funds.importers.amfi import import_amfi_navs

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        times: dict[str, list[float]] = {"empty": [], "daily": [], "unchanged": [], "bare": []}
        for n in range(args.repeat):
            _empty_fund_tables()
            elapsed, first = _timed(import_amfi_navs, source=str(args.file), actor_label="benchmark")
            times["empty"].append(elapsed)
            next_day = _next_day_file(args.file, Path(directory), n + 1)
            elapsed, daily = _timed(import_amfi_navs, source=str(next_day), actor_label="benchmark")
            times["daily"].append(elapsed)
            assert daily.report["navs"]["inserted"] > 8000, daily.report["navs"]  # stale schemes keep their day
            assert daily.report["schemes"]["inserted"] == 0
            elapsed, again = _timed(import_amfi_navs, source=str(next_day), actor_label="benchmark")
            times["unchanged"].append(elapsed)
            assert again.report["changed"] is False
            times["bare"].append(_bare_copy(args.file))

    median = {key: statistics.median(values) for key, values in times.items()}
    ratio = {key: median[key] / median["bare"] for key in ("empty", "daily", "unchanged")}
    rows = first.report["rows"]
    print(f"file: {args.file.name} ({rows} rows); median of {args.repeat} rounds")
    print(f"  first import, empty tables : {median['empty']:7.3f} s   {ratio['empty']:5.2f} x bare COPY")
    print(
        f"  daily import (next day)    : {median['daily']:7.3f} s   {ratio['daily']:5.2f} x bare COPY "
        f"(target <= {TARGET_DAILY}x)"
    )
    print(
        f"  same file again            : {median['unchanged']:7.3f} s   {ratio['unchanged']:5.2f} x bare COPY "
        f"(target <= {TARGET_UNCHANGED}x)"
    )
    print(f"  bare COPY of the rows      : {median['bare']:7.3f} s")
    print("  all rounds (s): " + ", ".join(f"{key} {[round(v, 3) for v in values]}" for key, values in times.items()))
    met = ratio["daily"] <= TARGET_DAILY and ratio["unchanged"] <= TARGET_UNCHANGED
    print(
        json.dumps(
            {
                "benchmark": "nav_import",
                "rows": rows,
                "seconds": {key: round(value, 4) for key, value in median.items()},
                "x_bare_copy": {key: round(value, 2) for key, value in ratio.items()},
                "targets": {"daily": TARGET_DAILY, "unchanged": TARGET_UNCHANGED},
                "met": met,
            }
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
