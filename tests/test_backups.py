"""backup_distributor and restore_distributor: a distributor dumped, dropped and restored comes back
table for table, with its distributor row, domains and branding; a restore over an existing distributor
or from a file that is not a backup changes nothing."""

import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from apps.core.models import AuditLog
from tenants.models import Branding, Distributor, Domain
from tenants.services import distributor_create


def _tables(schema: str) -> dict[str, tuple[int, str]]:
    """Every table of the schema: its row count and a digest of all its rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        names = [row[0] for row in cursor.fetchall()]
        result = {}
        for name in names:
            table = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}"
            digest = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            cursor.execute(f"SELECT count(*), {digest} FROM {table} t")
            result[name] = cursor.fetchone()
    return result


def _public_rows(schema: str) -> tuple:
    distributor = Distributor.objects.get(schema_name=schema)
    return (
        Distributor.objects.filter(pk=distributor.pk).values().get(),
        list(Domain.objects.filter(tenant=distributor).values().order_by("id")),
        list(Branding.objects.filter(distributor=distributor).values().order_by("id")),
    )


def _drop(schema: str) -> None:
    connection.set_schema_to_public()
    Distributor.objects.filter(schema_name=schema).delete()  # domains and branding go with it
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema)} CASCADE")


@pytest.fixture
def distributor(live_db):
    schema = f"bk{secrets.token_hex(3)}"
    created = distributor_create(
        schema_name=schema,
        display_name="Backup Test Wealth",
        domains=[f"{schema}.localhost", f"www.{schema}.localhost"],
        arn=f"ARN-9{secrets.randbelow(10**6):06d}",
        admin_email=f"owner@{schema}.localhost",
        primary_color="#102030",
    )
    with tenant_context(created.distributor):
        AuditLog.objects.create(action="test.marker", actor_label="backup test", extra={"n": 1})
    connection.set_schema_to_public()
    yield created.distributor
    _drop(schema)


def test_a_distributor_dumped_dropped_and_restored_is_the_same(distributor, tmp_path):
    schema = distributor.schema_name
    before_tables, before_rows = _tables(schema), _public_rows(schema)
    assert before_tables["core_auditlog"][0] >= 1
    archive = tmp_path / f"{schema}.tar"

    # given a backup
    call_command("backup_distributor", schema, str(archive))
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    # when the distributor is dropped entirely
    _drop(schema)
    assert not schema_exists(schema) and not Domain.objects.filter(domain=f"{schema}.localhost").exists()
    # and restored
    call_command("restore_distributor", str(archive))
    # then every table and every public row is as it was
    assert _tables(schema) == before_tables
    assert _public_rows(schema) == before_rows


def test_restore_refuses_an_existing_distributor_and_a_foreign_file(distributor, tmp_path):
    schema = distributor.schema_name
    archive = tmp_path / "backup.tar"
    call_command("backup_distributor", schema, str(archive))
    before = _tables(schema), _public_rows(schema)
    with pytest.raises(CommandError, match="exists"):
        call_command("restore_distributor", str(archive))
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("restore_distributor", str(not_a_backup))
    assert (_tables(schema), _public_rows(schema)) == before


def test_backup_of_an_unknown_schema_says_so(live_db, tmp_path):
    with pytest.raises(CommandError, match="no distributor"):
        call_command("backup_distributor", "nosuchschema", str(tmp_path / "x.tar"))
    assert not (tmp_path / "x.tar").exists()
