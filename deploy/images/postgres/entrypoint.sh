#!/bin/sh
# First start: a cluster whose superuser password comes from POSTGRES_PASSWORD, and POSTGRES_DB.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --username=postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    pg_ctl -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -U postgres -c "CREATE DATABASE \"${POSTGRES_DB:-mfd}\"" >/dev/null
    pg_ctl -m fast -w stop >/dev/null
fi
exec postgres -c listen_addresses='*' "$@"
