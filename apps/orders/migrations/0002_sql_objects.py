"""Database objects the ORM does not make:

- public.orders_exchange_ref_seq: the running number of every exchange attempt (BSE TransNo), one
  sequence for the whole platform, so two distributors sharing a member id never reuse a TransNo;
- public.orders_rate_bucket: the per-gateway token bucket when Redis is not configured;
- a trigger that makes orders_orderevent append-only (in each tenant schema).

The public objects are made IF NOT EXISTS by the first tenant schema migrated and kept on reverse
(other schemas use them)."""

from django.db import migrations

PUBLIC_SQL = """
CREATE SEQUENCE IF NOT EXISTS public.orders_exchange_ref_seq;
CREATE TABLE IF NOT EXISTS public.orders_rate_bucket (
    name varchar(40) PRIMARY KEY,
    tokens double precision NOT NULL,
    ts double precision NOT NULL
);
"""

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION orders_orderevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'orders_orderevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_orderevent_no_update_delete
    BEFORE UPDATE OR DELETE ON orders_orderevent
    FOR EACH ROW EXECUTE FUNCTION orders_orderevent_append_only();
"""

REVERSE_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS orders_orderevent_no_update_delete ON orders_orderevent;
DROP FUNCTION IF EXISTS orders_orderevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.RunSQL(PUBLIC_SQL, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGER_SQL, reverse_sql=REVERSE_TRIGGER_SQL),
    ]
