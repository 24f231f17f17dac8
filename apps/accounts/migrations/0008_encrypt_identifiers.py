# Encrypts the PANs and bank account numbers stored in plain text and writes their keyed hashes (runs in
# every tenant schema, on the raw columns: the historical models would try to decrypt the plain text).
# Reversible: the reverse decrypts them again. A value that already is a Fernet token is left alone, so
# a run interrupted half-way can run again.

from django.db import migrations

from apps.core.crypto import decrypt, encrypt, keyed_hash

# table, column, hash column (or None), purpose
COLUMNS = [
    ("accounts_investor", "pan", "pan_hash", "accounts.pan"),
    ("accounts_invitation", "pan", None, "accounts.pan"),
    ("accounts_bankaccount", "account_number", "account_number_hash", "accounts.bank-account-number"),
]
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and timestamp
BATCH = 500


def _rows(cursor, table, column):
    last = 0
    while True:
        cursor.execute(
            f"SELECT id, {column} FROM {table} WHERE id > %s AND {column} IS NOT NULL AND {column} <> '' "
            f"ORDER BY id LIMIT {BATCH}",
            [last],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def encrypt_identifiers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table, column, hash_column, purpose in COLUMNS:
            for rows in _rows(cursor, table, column):
                plain = [(pk, value) for pk, value in rows if not value.startswith(FERNET_PREFIX)]
                if hash_column:
                    cursor.executemany(
                        f"UPDATE {table} SET {column} = %s, {hash_column} = %s WHERE id = %s",
                        [(encrypt(v, purpose=purpose), keyed_hash(v, purpose=purpose), pk) for pk, v in plain],
                    )
                else:
                    cursor.executemany(
                        f"UPDATE {table} SET {column} = %s WHERE id = %s",
                        [(encrypt(v, purpose=purpose), pk) for pk, v in plain],
                    )


def decrypt_identifiers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table, column, hash_column, purpose in COLUMNS:
            for rows in _rows(cursor, table, column):
                tokens = [(pk, value) for pk, value in rows if value.startswith(FERNET_PREFIX)]
                cursor.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE id = %s",
                    [(decrypt(v, purpose=purpose), pk) for pk, v in tokens],
                )
            if hash_column:
                cursor.execute(f"UPDATE {table} SET {hash_column} = NULL")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_encrypted_identifiers_fields"),
    ]

    operations = [
        migrations.RunPython(encrypt_identifiers, decrypt_identifiers, elidable=False),
    ]
