"""Set-based writes Django's ORM has no word for.

`bulk_update_from_values` writes the given fields of many rows in one statement per batch:
UPDATE table SET f = v.f ... FROM (VALUES (...), ...) AS v(pk, f ...) WHERE table.pk = v.pk. Django's
bulk_update writes a CASE WHEN per field with one branch per row, which Postgres plans and evaluates in
time that grows with rows x rows; a VALUES join is one hash join, linear in the rows."""

# ruff: noqa: S608 -- the statement is built from the model's own table and column names (quoted); every
# value is a parameter

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

VALUES_BATCH = 2000


def bulk_update_from_values(objs: Sequence[models.Model], fields: Sequence[str], *, batch_size: int = VALUES_BATCH):
    """Writes `fields` (field names) of `objs` (saved instances of one model) by primary key. Each value
    goes through the field's get_db_prep_save, as bulk_update does; no signals, no auto_now."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    pk = meta.pk
    targets = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = [pk, *targets]
    casts = [f"%s::{field.db_type(connection)}" for field in columns]
    row_sql = "(" + ", ".join(casts) + ")"
    alias = ", ".join(quote(f"v_{field.column}") for field in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f'v_{f.column}')}" for f in targets)
    table = quote(meta.db_table)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params: list = []
            for obj in batch:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in targets)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(batch))}) "
                f"AS v({alias}) WHERE {table}.{quote(pk.column)} = v.{quote(f'v_{pk.column}')}",
                params,
            )
            updated += cursor.rowcount
    return updated
