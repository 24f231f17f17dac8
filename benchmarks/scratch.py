"""A database of the benchmarks' own, so they never touch development or test data.

`scratch_database()` creates it on DATABASE_URL's server (named by BENCH_DATABASE_NAME, default
"<database>_bench"), points DATABASE_URL at it for this process and its children, and drops it on exit
unless --keep was asked for. `platform_ready()` migrates the public schema and the tenant template and
creates the platform's own (public) tenant; `distributor_ready()` onboards one distributor through the
service, as production does."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_database(*, keep: bool = False, fresh: bool = True):
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mfd"))
    name = os.environ.get("BENCH_DATABASE_NAME") or f"{base.path.lstrip('/') or 'mfd'}_bench"
    maintenance = urlunparse(base._replace(scheme="postgresql", path="/postgres"))
    if fresh:
        _admin(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with contextlib.suppress(Exception):  # already there (--keep from an earlier run)
        _admin(maintenance, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunparse(base._replace(path=f"/{name}"))
    # keys of their own too, so a shared Redis keeps no benchmark data in development's namespace
    os.environ.setdefault("CACHE_KEY_PREFIX", f"bench-{name}")
    try:
        yield name
    finally:
        if not keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            _admin(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(settings_module: str = "config.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def platform_ready() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django_tenants.utils import get_public_schema_name

    from tenants.models import Distributor, Domain, Plan
    from tenants.schema_template import template_schema_ensure

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    template_schema_ensure()
    public, _ = Distributor.objects.get_or_create(schema_name=get_public_schema_name(), defaults={"name": "Platform"})
    Domain.objects.get_or_create(domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True})
    Plan.objects.get_or_create(code="standard", defaults={"name": "Standard"})


def distributor_ready(n: int, *, domain: str | None = None):
    from tenants.models import Distributor
    from tenants.services import distributor_create

    schema = f"bench{n}"
    existing = Distributor.objects.filter(schema_name=schema).first()
    if existing is not None:
        return existing
    return distributor_create(
        schema_name=schema,
        display_name=f"Bench Distributor {n}",
        domains=[domain or f"bench{n}.localhost"],
        arn=f"ARN-{900000 + n}",
        admin_email=f"owner{n}@bench.localhost",
        primary_color="#123456",
        accent_color="#654321",
    ).distributor


def gunicorn_ready(server, port: int, *, seconds: float = 60):
    """`server` (a gunicorn process) once its port takes connections; the benchmark exits if it never does."""
    import socket
    import time

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start")
