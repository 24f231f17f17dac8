"""Backup and restore of one distributor: its schema (pg_dump's custom format) with its public rows (the
distributor, its domains and branding) in one tar file.

A restore recreates the schema and the rows exactly, into a platform database that does not have that
distributor (dropped, or a fresh copy of the platform restored from the whole-database backup): the
tenant tables point at the shared fund tables, so the target must hold the same public reference data.
Nothing is half-restored: if the public rows cannot be written, the restored schema is dropped again.
"""

import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from apps.core.audit import audit_record
from tenants.models import Branding, Distributor, Domain

FORMAT_VERSION = 1
MANIFEST, PUBLIC_ROWS, SCHEMA_DUMP = "manifest.json", "public.json", "schema.dump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    schema_name: str
    path: Path
    tables: int


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=settings.POSTGRES_BIN_DIR)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client-15)")
    return found


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGHOST=str(db.get("HOST") or ""),
        PGPORT=str(db.get("PORT") or ""),
        PGUSER=str(db.get("USER") or ""),
        PGPASSWORD=str(db.get("PASSWORD") or ""),
        PGDATABASE=str(db["NAME"]),
    )
    return {key: value for key, value in env.items() if value != ""}


def _run(args: list[str]) -> None:
    # an argument list, no shell: the schema name was validated at onboarding and is one argument
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-500:]}")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


class _ExactEncoder(DjangoJSONEncoder):
    """Datetimes and times with their microseconds (Django's JSON serializer keeps milliseconds only)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _public_rows_dump(objects: list) -> str:
    return json.dumps(serializers.serialize("python", objects), cls=_ExactEncoder, indent=1)


def distributor_backup(*, schema_name: str, path: Path) -> BackupResult:
    """Writes the distributor's schema and public rows to `path` (a tar file, created 0600)."""
    distributor = Distributor.objects.distributors().filter(schema_name=schema_name).first()
    if distributor is None:
        raise BackupError(f"no distributor with schema {schema_name!r}")
    public_rows = _public_rows_dump(
        [distributor, *Domain.objects.filter(tenant=distributor), *Branding.objects.filter(distributor=distributor)]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema_name])
        tables = cursor.fetchone()[0]
    manifest = {
        "format_version": FORMAT_VERSION,
        "schema_name": schema_name,
        "name": distributor.name,
        "created_at": timezone.now().isoformat(),
        "tables": tables,
    }
    path = Path(path)
    with tempfile.TemporaryDirectory() as workdir:
        dump = Path(workdir) / SCHEMA_DUMP
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema_name}",
              f"--file={dump}"])  # fmt: skip
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            _add_bytes(tar, PUBLIC_ROWS, public_rows.encode())
            tar.add(dump, arcname=SCHEMA_DUMP)
        partial.replace(path)
    audit_record(
        action="distributor.backup", actor_label="backup_distributor", target=distributor, extra={"tables": tables}
    )
    return BackupResult(schema_name=schema_name, path=path, tables=tables)


def _read_archive(path: Path, workdir: Path) -> tuple[dict, str, Path]:
    try:
        with tarfile.open(path, mode="r") as tar:
            names = set(tar.getnames())
            if not {MANIFEST, PUBLIC_ROWS, SCHEMA_DUMP} <= names:
                raise BackupError(f"{path} is not a distributor backup (missing {MANIFEST}, {PUBLIC_ROWS} or dump)")
            manifest = json.loads(tar.extractfile(MANIFEST).read())
            public_rows = tar.extractfile(PUBLIC_ROWS).read().decode()
            dump = workdir / SCHEMA_DUMP
            dump.write_bytes(tar.extractfile(SCHEMA_DUMP).read())
    except (OSError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} has backup format {manifest.get('format_version')}, expected {FORMAT_VERSION}")
    return manifest, public_rows, dump


def _public_rows_restore(public_rows: str) -> Distributor:
    items = list(serializers.deserialize("python", json.loads(public_rows)))
    distributor = next(item.object for item in items if isinstance(item.object, Distributor))
    domains = [item.object.domain for item in items if isinstance(item.object, Domain)]
    taken = list(Domain.objects.filter(domain__in=domains).values_list("domain", flat=True))
    if taken:
        raise BackupError(f"the platform already serves {', '.join(taken)}")
    if Distributor.objects.filter(pk=distributor.pk).exists():
        raise BackupError(f"the platform has another distributor with id {distributor.pk}")
    for item in items:
        # a raw save: the rows exactly as dumped (timestamps included), no schema creation, no signals' work
        item.save()
    return distributor


def distributor_restore(*, path: Path) -> Distributor:
    """Recreates a distributor from a backup written by distributor_backup."""
    with tempfile.TemporaryDirectory() as workdir:
        manifest, public_rows, dump = _read_archive(Path(path), Path(workdir))
        schema_name = manifest["schema_name"]
        if schema_exists(schema_name) or Distributor.objects.filter(schema_name=schema_name).exists():
            raise BackupError(f"distributor {schema_name!r} exists: drop it (or restore into another database) first")
        _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              "--dbname", _pg_env()["PGDATABASE"], str(dump)])  # fmt: skip
    try:
        with transaction.atomic():
            distributor = _public_rows_restore(public_rows)
            audit_record(
                action="distributor.restored",
                actor_label="restore_distributor",
                target=distributor,
                extra={"backup_created_at": manifest["created_at"]},
            )
    except Exception:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema_name)} CASCADE")
        raise
    return distributor
