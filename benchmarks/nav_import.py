"""NAV import speed against a bare COPY of the same rows.

In a scratch database of its own (created from DATABASE_URL's server and dropped at the end):
1. import AMFI's full 8-column NAVAll file into empty fund tables (the import service, end to end: read,
   parse, COPY to staging, upserts, ImportRun),
2. import the same file again (nothing changes),
3. COPY the file's data rows (split on ";", typed columns) into a bare table with no index or constraint.
Each measurement is repeated (--repeat, default 3; the fund tables are emptied before each first import)
and the median is printed with the ratios. Target: each import at most 2x the bare COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mfd .venv/bin/python benchmarks/nav_import.py

Benchmarks are not runtime code: this script reads ../shared/data."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO.parent / "shared" / "data" / "amfi" / "amfi_NAVAll_2026-08-19_8col_planoption.txt"


def _scratch_url(url: str) -> tuple[str, str, str]:
    parts = urlparse(url)
    scratch = f"{parts.path.lstrip('/') or 'mfd'}_bench_nav"
    return urlunparse(parts._replace(path=f"/{scratch}")), urlunparse(parts._replace(path="/postgres")), scratch


def _admin(maintenance_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql)


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


def _empty_fund_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE funds_navhistory, funds_schemecode, funds_scheme, funds_amc, funds_importrun, core_auditlog"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        print("set DATABASE_URL (the scratch database is created next to it)", file=sys.stderr)
        return 2

    scratch_url, maintenance_url, scratch = _scratch_url(database_url)
    _admin(maintenance_url, f'DROP DATABASE IF EXISTS "{scratch}"')
    _admin(maintenance_url, f'CREATE DATABASE "{scratch}"')
    os.environ["DATABASE_URL"] = scratch_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(REPO))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from apps.funds.importers.amfi import import_amfi_navs
        from apps.funds.models import Scheme

        print(f"scratch database {scratch}: migrating ...", flush=True)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)

        first, second, bare = [], [], []
        for _ in range(args.repeat):
            _empty_fund_tables()
            started = time.perf_counter()
            run = import_amfi_navs(source=str(args.file), actor_label="benchmark")
            first.append(time.perf_counter() - started)
            assert run.report["schemes"]["inserted"] == Scheme.objects.count()

            started = time.perf_counter()
            again = import_amfi_navs(source=str(args.file), actor_label="benchmark")
            second.append(time.perf_counter() - started)
            assert again.report["changed"] is False

            bare.append(_bare_copy(args.file))

        t_first, t_second, t_bare = (statistics.median(v) for v in (first, second, bare))
        rows = run.report["rows"]
        print(f"file: {args.file.name} ({rows} rows, {Scheme.objects.count()} schemes); median of {args.repeat}")
        print(f"  import into empty tables : {t_first:7.3f} s   {t_first / t_bare:5.2f} x bare COPY")
        print(f"  import again (no change) : {t_second:7.3f} s   {t_second / t_bare:5.2f} x bare COPY")
        print(f"  bare COPY of the rows    : {t_bare:7.3f} s")
        print(
            f"  all runs (s): first {[round(v, 3) for v in first]}, again {[round(v, 3) for v in second]}, "
            f"bare {[round(v, 3) for v in bare]}"
        )
        connection.close()
    finally:
        _admin(maintenance_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
