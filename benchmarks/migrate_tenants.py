"""Migrations at scale: 200 distributors, then `migrate_schemas` with the parallel executor (what
setup_platform runs) twice: with nothing to do, and with one new migration (a new tenant table with an
index, in a throwaway app) to apply in every schema.

    .venv/bin/python benchmarks/migrate_tenants.py [--distributors 200] [--processes 2] [--keep] [--reuse]

Works in its own database (BENCH_DATABASE, default "<database of DATABASE_URL>_migrate", on that server or
127.0.0.1:5432), dropped at the end unless --keep. Creating the distributors takes most of the run:
--reuse times the migrations again in a database kept by --keep (the probe migration is taken out of
every schema first). After the run with the new migration, the probe table is counted in every tenant
schema. Targets on a 2-core machine: no-op under 60 s, one migration under 120 s. The last line is one
JSON object with the figures and the targets.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

PROBE_MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Probe",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=40, db_index=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
"""
PROBE_SETTINGS = """from config.settings.dev import *  # noqa: F403
TENANT_APPS = [*TENANT_APPS, "bench_probe"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "bench_probe"]  # noqa: F405
"""
# takes the probe migration back out of every schema (a database kept by --keep, timed again by --reuse)
PROBE_UNDO = """DO $$
DECLARE schema text;
BEGIN
    FOR schema IN SELECT table_schema FROM information_schema.tables WHERE table_name = 'bench_probe_probe' LOOP
        EXECUTE format('DROP TABLE %1$I.bench_probe_probe', schema);
        EXECUTE format('DELETE FROM %1$I.django_migrations WHERE app = $a$bench_probe$a$', schema);
        EXECUTE format('DELETE FROM %1$I.auth_permission WHERE content_type_id IN (SELECT id FROM '
                       '%1$I.django_content_type WHERE app_label = $a$bench_probe$a$)', schema);
        EXECUTE format('DELETE FROM %1$I.django_content_type WHERE app_label = $a$bench_probe$a$', schema);
    END LOOP;
END $$"""
# tenant schemas with the probe table, and all tenant schemas
PROBE_COUNT = """SELECT count(t.table_name), count(*) FROM tenants_distributor d
LEFT JOIN information_schema.tables t ON t.table_schema = d.schema_name AND t.table_name = 'bench_probe_probe'
WHERE d.schema_name <> 'public'"""


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mfd")


def admin_url() -> str:
    return database_url().rsplit("/", 1)[0]


def psql(sql: str, database: str = "postgres") -> list | None:
    import psycopg

    url = admin_url().replace("postgres://", "postgresql://", 1) + f"/{database}"
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


def manage(env: dict, *args: str) -> float:
    started = time.monotonic()
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def create_distributors(env: dict, count: int) -> float:
    code = f"""
import django, time
django.setup()
from tenants.services import distributor_create
for i in range({count}):
    name = f"bench{{i:04d}}"
    distributor_create(schema_name=name, display_name=f"Bench {{i}}", domains=[f"{{name}}.localhost"],
                       arn=f"ARN-7{{i:05d}}", admin_email=f"owner@{{name}}.localhost")
"""
    started = time.monotonic()
    subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def write_probe_app(directory: Path) -> None:
    probe = directory / "bench_probe"
    (probe / "migrations").mkdir(parents=True)
    (probe / "__init__.py").write_text("")
    (probe / "migrations" / "__init__.py").write_text("")
    (probe / "migrations" / "0001_initial.py").write_text(PROBE_MIGRATION)
    (probe / "models.py").write_text(
        "from django.db import models\n\n\nclass Probe(models.Model):\n"
        "    name = models.CharField(max_length=40, db_index=True)\n"
        "    created_at = models.DateTimeField(auto_now_add=True)\n"
    )
    (directory / "bench_probe_settings.py").write_text(PROBE_SETTINGS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--distributors", type=int, default=200)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="keep the database and its distributors")
    parser.add_argument("--reuse", action="store_true", help="time again in a database kept by --keep")
    args = parser.parse_args()
    dbname = os.environ.get("BENCH_DATABASE") or f"{database_url().rsplit('/', 1)[1].split('?')[0] or 'mfd'}_migrate"
    reuse = args.reuse and bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"))
    if not reuse:
        psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{dbname}"')
    created = None
    with tempfile.TemporaryDirectory() as tmp:
        write_probe_app(Path(tmp))
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DATABASE_URL=f"{admin_url()}/{dbname}",
            TENANT_SPARE_SCHEMAS="0",
            TENANT_MIGRATION_PROCESSES=str(args.processes),
            PYTHONPATH=f"{ROOT}{os.pathsep}{tmp}",
        )
        env.pop("REDIS_URL", None)  # the database cache table: nothing shared with other runs
        try:
            if reuse:
                psql(PROBE_UNDO, dbname)
                print(f"reusing {dbname}; the probe migration taken out of every schema")
            else:
                setup = manage(env, "setup_platform")
                print(f"setup_platform on an empty database: {setup:.1f}s")
                created = create_distributors(env, args.distributors)
                print(f"created {args.distributors} distributors in {created:.1f}s")
            migrate = ("migrate_schemas", "--executor=multiprocessing", "--noinput")
            noop = manage(env, *migrate)
            _, schemas = psql(PROBE_COUNT, dbname)[0]
            print(f"no-op migrate of public and {schemas} tenant schemas ({args.processes} processes): {noop:.1f}s")
            one = manage(dict(env, DJANGO_SETTINGS_MODULE="bench_probe_settings"), *migrate)
            with_probe, schemas = psql(PROBE_COUNT, dbname)[0]
            print(f"one new migration in every tenant schema: {one:.1f}s; its table is in {with_probe} of {schemas}")
        finally:
            if not args.keep:
                psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    print(json.dumps({
        "distributors": args.distributors, "tenant_schemas": schemas, "processes": args.processes,
        "create_seconds": created and round(created, 1), "noop_migrate_seconds": round(noop, 1),
        "one_migration_seconds": round(one, 1), "schemas_with_new_migration": with_probe,
        "targets": {"noop_migrate_seconds": 60, "one_migration_seconds": 120, "schemas_with_new_migration": schemas},
        "machine": "2 shared cores; other engineers' test runs on the same machine",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
