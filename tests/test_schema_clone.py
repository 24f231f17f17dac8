"""A new distributor's schema is the template's twin: the same tables, columns, indexes and keys under the
same names (later migrations find them by name), triggers and functions, and the template's rows."""

import pytest
from django.conf import settings
from django.db import connection

from tenants.schema_clone import schema_clone

pytestmark = pytest.mark.django_db

SIGNATURE = """
SELECT 'column', c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
       || a.attnotnull::text || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint', c.relname || '.' || con.conname || ' ' || con.contype::text || ' '
       || replace(pg_get_constraintdef(con.oid), %(schema)s || '.', '')
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid WHERE c.relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'index', c.relname || '.' || ic.relname || ' ' || i.indisunique::text || ' '
       || (SELECT string_agg(attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE c.relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'trigger', c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = %(schema)s::regnamespace AND NOT t.tgisinternal
UNION ALL
SELECT 'function', proname FROM pg_proc WHERE pronamespace = %(schema)s::regnamespace
"""


def _signature(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(SIGNATURE, {"schema": schema})
        return set(cursor.fetchall())


def _count(schema: str, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        return cursor.fetchone()[0]


def test_a_clone_is_the_templates_twin():
    template = settings.TENANT_BASE_SCHEMA

    schema_clone(template=template, schema_name="clone_twin")

    expected = _signature(template)
    assert len(expected) > 500
    assert _signature("clone_twin") == expected
    for table in ("django_migrations", "django_content_type", "auth_permission"):
        assert _count("clone_twin", table) == _count(template, table) > 0


def test_a_clone_keeps_working_constraints_triggers_and_identities():
    schema_clone(template=settings.TENANT_BASE_SCHEMA, schema_name="clone_works")

    with connection.cursor() as cursor:
        # identity sequences continue after the copied rows
        cursor.execute(
            "INSERT INTO clone_works.django_migrations (app, name, applied) VALUES ('x', 'y', now()) RETURNING id"
        )
        (new_id,) = cursor.fetchone()
        cursor.execute("SELECT max(id) FROM clone_works.django_migrations WHERE app <> 'x'")
        assert new_id > cursor.fetchone()[0]
        # the append-only trigger came along, bound to the clone's own table and function
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'orders_orderevent_no_%'")
        assert "clone_works.orders_orderevent" in {row[0] for row in cursor.fetchall()}
