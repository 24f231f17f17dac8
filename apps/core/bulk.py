"""Set-based writes Django's ORM has no word for.

`bulk_update_from_arrays` writes the given fields of many rows in one statement per batch, with one
parameter per column: UPDATE table SET f = v.f ... FROM unnest(%s::bigint[], %s::numeric[], ...) AS v(pk,
f ...) WHERE table.pk = v.pk. Django's bulk_update writes a CASE WHEN per field with one branch per row,
which Postgres plans and evaluates in time that grows with rows x rows (and a VALUES list of thousands of
rows is tens of thousands of parameters to bind); a join on unnested arrays is one hash join, linear in
the rows, and its statement text is the same for every batch."""

# ruff: noqa: S608 -- the statement is built from the model's own table and column names (quoted) and
# their database types; every value is a parameter

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

ARRAY_BATCH = 5000


def bulk_update_from_arrays(objs: Sequence[models.Model], fields: Sequence[str], *, batch_size: int = ARRAY_BATCH):
    """Writes `fields` (names of plain-valued fields: numbers, text, dates, booleans, UUIDs) of `objs`
    (saved instances of one model) by primary key. Values go through the field's get_db_prep_save, as
    bulk_update does; no signals, no auto_now. Returns the number of rows updated."""
    if not objs:
        return 0
    meta = type(objs[0])._meta
    pk = meta.pk
    targets = [meta.get_field(name) for name in fields]
    columns = [pk, *targets]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
    names = ", ".join(quote(f"v_{field.column}") for field in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f'v_{f.column}')}" for f in targets)
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({names}) "
        f"WHERE {table}.{quote(pk.column)} = v.{quote(f'v_{pk.column}')}"
    )
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params = [
                [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch] for field in columns
            ]
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated
