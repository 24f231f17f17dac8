#!/usr/bin/env bash
# Whole-database backup: every schema (the platform's public data and every distributor) in pg_dump's
# custom format, checked by listing it, then old backups pruned. Run it from cron or a Kubernetes
# CronJob with the platform's DATABASE_URL; restore with pg_restore (deploy/README.md, "Restore").
#
#   DATABASE_URL=postgres://... BACKUP_DIR=/backups KEEP_DAYS=14 deploy/scripts/backup-database.sh
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
BACKUP_DIR=${BACKUP_DIR:-./backups}
KEEP_DAYS=${KEEP_DAYS:-14}
PATH="$PATH:${POSTGRES_BIN_DIR:-/usr/lib/postgresql/15/bin}"

mkdir -p "$BACKUP_DIR"
umask 077
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_DIR/mfd-$stamp.dump"
# libpq reads postgresql:// URLs; Django's postgres:// scheme is the same thing
url="postgresql://${DATABASE_URL#*://}"

pg_dump --format=custom --no-owner --no-privileges --file="$target.partial" "$url"
pg_restore --list "$target.partial" >/dev/null   # a dump that cannot be listed is not a backup
mv "$target.partial" "$target"
find "$BACKUP_DIR" -name 'mfd-*.dump' -mtime +"$KEEP_DAYS" -delete
echo "$target $(du -h "$target" | cut -f1)"
