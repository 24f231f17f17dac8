"""Cloning the tenant template schema at a cost that does not grow with the number of schemas.

django-tenants' clone_schema() reads the catalogue in ways whose cost grows with every schema in the
database (at a few hundred distributors a clone takes many seconds). Here the template is read once per
template state into a snapshot of statements, each catalogue query restricted to the template's namespace
(indexed), and the snapshot is replayed into the new schema:
- each table as `CREATE TABLE ... (LIKE template.t INCLUDING ...)`: columns, defaults, identity (a new
  sequence per table), NOT NULL and CHECK constraints, comments;
- then its indexes, primary, unique and foreign keys under their own names (migrations refer to them by
  name), the functions and the triggers, as the catalogue prints them;
- then the template's rows (migration history, content types, permissions), identity sequences moved past
  the copied ids.
A template holding anything else (views, sequences of its own, types) is cloned by django-tenants instead.
The snapshot is kept per process and keyed by the template's migration history."""

# SQL here is built from catalogue names and a validated schema name; nothing comes from a user.
# ruff: noqa: S608

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.postgresql_backend.base import _check_schema_name


@dataclass(frozen=True)
class Snapshot:
    key: frozenset
    tables: tuple[str, ...]
    # run with search_path = <new schema>, public: the tables with their keys, then (after the rows are
    # copied, so no deferred foreign-key check is left pending) the foreign keys, functions and triggers
    structure: tuple[str, ...]
    links: tuple[str, ...]
    tables_with_rows: tuple[str, ...]
    identities: tuple[tuple[str, str], ...]  # (table, column)


_snapshots: dict[str, Snapshot] = {}
_LIKE = (
    "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE "
    "INCLUDING COMMENTS"
)


class SnapshotUnsupported(Exception):
    """The template holds objects the snapshot does not reproduce."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _template_key(cursor, template: str) -> frozenset:
    cursor.execute(f"SELECT app, name FROM {_q(template)}.django_migrations")
    return frozenset(cursor.fetchall())


def _snapshot_take(cursor, template: str, key: frozenset) -> Snapshot:
    cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [template])
    (namespace,) = cursor.fetchone()
    cursor.execute(
        "SELECT relkind, count(*) FROM pg_class WHERE relnamespace = %s AND relkind NOT IN ('r', 'i', 'S') "
        "GROUP BY relkind",
        [namespace],
    )
    if other := cursor.fetchall():
        raise SnapshotUnsupported(f"objects of kinds {other}")
    cursor.execute(
        "SELECT count(*) FROM pg_class s WHERE s.relnamespace = %s AND s.relkind = 'S' AND NOT EXISTS ("
        "SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype = 'i')",
        [namespace],
    )
    if cursor.fetchone()[0]:
        raise SnapshotUnsupported("sequences that are not identity columns")
    cursor.execute("SELECT count(*) FROM pg_type WHERE typnamespace = %s AND typtype IN ('e', 'd', 'r')", [namespace])
    if cursor.fetchone()[0]:
        raise SnapshotUnsupported("types of its own")
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' ORDER BY relname", [namespace]
    )
    tables = tuple(row[0] for row in cursor.fetchall())
    # indexes and keys are made below under their own names (migrations drop them by name)
    statements = [f"CREATE TABLE {_q(t)} (LIKE {_q(template)}.{_q(t)} {_LIKE})" for t in tables]

    # printed with the template first on the search path, so names inside it come out unqualified
    cursor.execute(f"SET LOCAL search_path = {_q(template)}, public")
    names = re.escape(_q(template)) + "|" + re.escape(template)
    on_table = re.compile(r" ON (?:" + names + r")\.")  # the catalogue names an index's table with its schema
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relnamespace = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid "
        "AND con.contype IN ('p', 'u', 'x')) ORDER BY i.indexrelid",
        [namespace],
    )
    statements += [on_table.sub(" ON ", row[0], count=1) for row in cursor.fetchall()]
    cursor.execute(
        "SELECT con.contype = 'f', c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid WHERE c.relnamespace = %s AND con.contype IN ('p', 'u', 'x', 'f') "
        "ORDER BY c.relname, con.conname",
        [namespace],
    )
    links = []
    for foreign, table, name, definition in cursor.fetchall():
        (links if foreign else statements).append(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    cursor.execute("SELECT pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %s ORDER BY oid", [namespace])
    # the catalogue always names a function with its schema: the new one is first on the search path
    qualified = re.compile(r"^(CREATE OR REPLACE FUNCTION )(?:" + names + r")\.")
    links += [qualified.sub(r"\1", definition, count=1) for (definition,) in cursor.fetchall()]
    cursor.execute(
        "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.oid",
        [namespace],
    )
    # ... and a trigger's table with its schema
    links += [on_table.sub(" ON ", row[0], count=1) for row in cursor.fetchall()]
    cursor.execute("SET LOCAL search_path = public")

    with_rows = []
    for table in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_q(template)}.{_q(table)})")
        if cursor.fetchone()[0]:
            with_rows.append(table)
    cursor.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attidentity <> '' AND c.relname = ANY(%s)",
        [namespace, with_rows],
    )
    identities = tuple(cursor.fetchall())
    return Snapshot(
        key=key,
        tables=tables,
        structure=tuple(statements),
        links=tuple(links),
        tables_with_rows=tuple(with_rows),
        identities=identities,
    )


def _snapshot_for(cursor, template: str) -> Snapshot:
    key = _template_key(cursor, template)
    snapshot = _snapshots.get(template)
    if snapshot is None or snapshot.key != key:
        snapshot = _snapshots[template] = _snapshot_take(cursor, template, key)
    return snapshot


def schema_clone(*, template: str, schema_name: str) -> None:
    """Creates `schema_name` as a copy of `template` (structure and rows). Runs inside the caller's
    transaction; leaves the connection on the public schema."""
    _check_schema_name(schema_name)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            snapshot = _snapshot_for(cursor, template)
    except SnapshotUnsupported:
        CloneSchema().clone_schema(template, schema_name, "DATA")
        connection.set_schema_to_public()
        return
    new = _q(schema_name)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {new}")
        cursor.execute(f"SET LOCAL search_path = {new}, public")
        rows = [f"INSERT INTO {_q(t)} SELECT * FROM {_q(template)}.{_q(t)}" for t in snapshot.tables_with_rows]
        sequences = [
            f"SELECT setval(pg_get_serial_sequence('{new}.{_q(t)}', '{c}'), max({_q(c)})) FROM {_q(t)} "
            f"HAVING max({_q(c)}) IS NOT NULL"
            for t, c in snapshot.identities
        ]
        # one round-trip: the statements are the catalogue's and ours, with no parameters
        cursor.execute(";\n".join([*snapshot.structure, *rows, *sequences, *snapshot.links]))
    # django-tenants set the search path itself; make it issue it again
    connection.set_schema_to_public()
