"""Re-encrypts every EncryptedCharField value under the newest FIELD_ENCRYPTION_KEYS secret, in every
schema that has the model's table (tenants, the template schema and its spare clones).

Key rotation: put the new secret first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, then drop the old secrets. With --rehash it also recomputes every keyed hash under the
current FIELD_HASH_KEY (after changing that key: lookups by PAN find nothing until this has run).
Each table of each schema is rewritten in its own transaction; a value no configured key opens is
reported and left as it is, and the command then exits non-zero."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_tenants.utils import schema_context

from apps.core.crypto import DecryptionFailed, decrypt, keyed_hash, rotate
from apps.core.model_fields import EncryptedCharField

BATCH = 500


def encrypted_fields() -> list[tuple[type, list[EncryptedCharField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields and model._meta.managed and not model._meta.proxy:
            found.append((model, fields))
    return found


def schemas_with_table(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s ORDER BY table_schema", [table]
        )
        return [row[0] for row in cursor.fetchall()]


class Command(BaseCommand):
    help = "Re-encrypts encrypted model fields under the newest key (and, with --rehash, recomputes their hashes)."

    def add_arguments(self, parser):
        parser.add_argument("--rehash", action="store_true", help="also recompute the keyed hashes (FIELD_HASH_KEY)")

    def handle(self, *args, rehash: bool = False, **options):
        failed = 0
        for model, fields in encrypted_fields():
            table = model._meta.db_table
            for schema in schemas_with_table(table):
                with schema_context(schema), transaction.atomic():
                    rotated, bad = self._rotate_table(model, fields, rehash=rehash)
                failed += bad
                self.stdout.write(
                    f"{schema}.{table}: {rotated} values re-encrypted" + (f", {bad} unreadable" if bad else "")
                )
        if failed:
            raise CommandError(f"{failed} values could not be decrypted with any configured key; they were left as is.")

    def _rotate_table(self, model, fields, *, rehash: bool) -> tuple[int, int]:
        table, pk = model._meta.db_table, model._meta.pk.column
        rotated = bad = 0
        for field in fields:
            column, purpose = field.column, field.purpose
            hash_column = model._meta.get_field(field.hash_field).column if field.hash_field else None
            last = None
            with connection.cursor() as cursor:
                while True:
                    after = "" if last is None else f"AND {pk} > %s "
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' "  # noqa: S608
                        f"{after}ORDER BY {pk} LIMIT {BATCH}",
                        [] if last is None else [last],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    last = rows[-1][0]
                    updates = []
                    for row_pk, token in rows:
                        try:
                            new_token = rotate(token, purpose=purpose)
                            digest = keyed_hash(decrypt(token, purpose=purpose), purpose=purpose) if rehash else None
                        except DecryptionFailed:
                            bad += 1
                            self.stderr.write(f"{table} {pk}={row_pk} {column}: no configured key opens it")
                            continue
                        updates.append((new_token, digest, row_pk) if hash_column and rehash else (new_token, row_pk))
                    if hash_column and rehash:
                        sql = f"UPDATE {table} SET {column} = %s, {hash_column} = %s WHERE {pk} = %s"  # noqa: S608
                    else:
                        sql = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"  # noqa: S608
                    cursor.executemany(sql, updates)
                    rotated += len(updates)
        return rotated, bad
