"""Set-based writes Django's ORM has no word for.

`bulk_insert_copy` inserts many new rows through COPY into a scratch table and one INSERT ... SELECT ON
CONFLICT DO NOTHING. Django's bulk_create builds an INSERT with one parameter per value, prepares each
value in Python (a Decimal is quantized, a date formatted) and has the driver quote them all: for 100,000
rows of a wide table that is most of the time. COPY sends the values as they are.

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
from django.utils import timezone

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


# Fields whose Python value COPY can send as it is (exact classes: a subclass, an encrypted field say, goes
# through its own get_db_prep_save)
_AS_IS = frozenset({
    models.CharField, models.TextField, models.EmailField, models.SlugField, models.URLField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.BooleanField,
    models.DecimalField, models.DateField, models.DateTimeField, models.UUIDField, models.ForeignKey,
})  # fmt: skip


COPY_FROM_ROWS = 2000  # below this, one INSERT costs less than a scratch table


def bulk_insert_copy(objs: Sequence[models.Model]) -> None:
    """Inserts `objs` (new instances of one model, primary keys left to the database) and skips any that
    conflict with a unique constraint, as bulk_create(ignore_conflicts=True) does: no signals, no primary
    keys set on the instances. auto_now and auto_now_add fields take the same time for every row. Fewer
    than COPY_FROM_ROWS rows go through bulk_create itself."""
    if not objs:
        return
    model = type(objs[0])
    if len(objs) < COPY_FROM_ROWS:
        model._default_manager.bulk_create(objs, ignore_conflicts=True)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    getters = [(field.attname, None if type(field) in _AS_IS else field) for field in fields]
    quote = connection.ops.quote_name
    table, scratch = quote(meta.db_table), quote(f"bulk_{meta.db_table}")
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{scratch}")
        cursor.execute(f"CREATE TEMP TABLE {scratch} AS SELECT {columns} FROM {table} WITH NO DATA")
        try:
            with cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row([
                        getattr(obj, attname) if field is None
                        else field.get_db_prep_save(getattr(obj, attname), connection)
                        for attname, field in getters
                    ])  # fmt: skip
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} ON CONFLICT DO NOTHING")
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{scratch}")
