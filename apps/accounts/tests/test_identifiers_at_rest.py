"""PANs and bank account numbers are encrypted at rest (apps.core.model_fields): the column holds a
Fernet token, a keyed hash beside it finds and keeps them unique, the migration encrypts the rows written
before it, and `rotate_field_keys` moves every value to the newest key."""

import io

import pytest
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from apps.accounts.models import BankAccount, Investor
from apps.accounts.selectors import investor_by_pan, investor_ids_by_pan, investor_list_for_staff, investor_pan_taken
from apps.core.crypto import encrypt
from tests.factories import BankAccountFactory, make_investor, make_staff, random_pan

pytestmark = pytest.mark.django_db

NEW_SECRET = "a-new-field-encryption-secret-of-40-characters"


def _raw(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_pan_column_holds_no_pan(in_alpha):
    pan = random_pan()
    investor = make_investor(in_alpha, pan=pan)
    raw = _raw("accounts_investor", "pan", investor.pk)
    assert pan not in raw and pan[5:9] not in raw
    assert Investor.objects.get(pk=investor.pk).pan == pan
    assert len(_raw("accounts_investor", "pan_hash", investor.pk)) == 64


def test_the_bank_account_number_column_holds_no_number(in_alpha):
    investor = make_investor(in_alpha)
    bank = BankAccountFactory(investor=investor, account_number="500100123456789")
    raw = _raw("accounts_bankaccount", "account_number", bank.pk)
    assert "500100123456789" not in raw and "6789" not in raw
    assert BankAccount.objects.get(pk=bank.pk).account_number == "500100123456789"
    assert str(bank).endswith("****6789")


def test_an_investor_is_found_by_pan_in_any_case_and_spacing(in_alpha):
    pan = random_pan()
    investor = make_investor(in_alpha, pan=pan)
    other = make_investor(in_alpha, pan=random_pan())
    assert investor_by_pan(pan=f" {pan.lower()[:5]} {pan[5:]} ") == investor
    assert investor_pan_taken(pan=pan)
    assert not investor_pan_taken(pan=pan, exclude=investor)
    assert investor_ids_by_pan(pans=[pan, other.pan, random_pan()]) == {pan: investor.pk, other.pan: other.pk}
    assert investor_by_pan(pan="") is None


def test_comparing_an_encrypted_column_is_refused(in_alpha):
    make_investor(in_alpha, pan=random_pan())
    # a ciphertext never equals the plain value: a lookup that would silently find nothing is an error
    with pytest.raises(FieldError, match="pan_hash"):
        Investor.objects.filter(pan="ABCDE1234F").exists()
    with pytest.raises(FieldError, match="account_number_hash"):
        BankAccount.objects.filter(account_number__in=["123"]).exists()
    assert Investor.objects.filter(pan__isnull=False).exists()


def test_a_pan_stays_unique_through_its_hash(in_alpha):
    pan = random_pan()
    make_investor(in_alpha, pan=pan)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_investor(in_alpha, pan=pan.lower().upper())


def test_a_bank_account_stays_unique_per_investor_through_its_hash(in_alpha):
    investor = make_investor(in_alpha)
    BankAccountFactory(investor=investor, account_number="123456789012", ifsc="HDFC0001234", is_primary=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountFactory(investor=investor, account_number="123456789012", ifsc="HDFC0001234", is_primary=False)


def test_saving_only_the_pan_updates_its_hash(in_alpha):
    investor = make_investor(in_alpha, pan=random_pan())
    new_pan = random_pan()
    investor.pan = new_pan
    investor.save(update_fields=["pan", "updated_at"])
    assert investor_by_pan(pan=new_pan) == investor
    investor.pan = None
    investor.save(update_fields=["pan"])
    assert _raw("accounts_investor", "pan_hash", investor.pk) is None


def test_the_migration_encrypts_rows_written_in_plain_text(in_alpha):
    # given an investor and a bank account as they were stored before the migration (plain text, no hash)
    investor = make_investor(in_alpha)
    bank = BankAccountFactory(investor=investor, account_number="998877665544")
    pan = random_pan()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events before ALTER TABLE
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0007_encrypted_identifiers_fields")])
    assert _raw("accounts_bankaccount", "account_number", bank.pk) == "998877665544"  # the reverse decrypts
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_investor SET pan = %s, pan_hash = NULL WHERE id = %s", [pan, investor.pk])
    # when the migrations run
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0009_bankaccount_unique_by_hash")])
    # then the raw columns hold no PAN or account number, and the values read and are found as before
    raw_pan = _raw("accounts_investor", "pan", investor.pk)
    raw_number = _raw("accounts_bankaccount", "account_number", bank.pk)
    assert pan not in raw_pan and raw_pan.startswith("gAAAAA")
    assert "998877665544" not in raw_number
    executor = MigrationExecutor(connection)  # and the later migrations, for today's models
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Investor.objects.get(pk=investor.pk).pan == pan
    assert BankAccount.objects.get(pk=bank.pk).account_number == "998877665544"
    assert investor_by_pan(pan=pan.lower()) == investor


def test_rotate_field_keys_moves_every_value_to_the_newest_key(in_alpha, settings):
    pan = random_pan()
    investor = make_investor(in_alpha, pan=pan)  # under the current key (SECRET_KEY: no keys configured)
    old_token = _raw("accounts_investor", "pan", investor.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_SECRET, settings.SECRET_KEY]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "alpha.accounts_investor:" in out.getvalue()
    assert _raw("accounts_investor", "pan", investor.pk) != old_token
    settings.FIELD_ENCRYPTION_KEYS = [NEW_SECRET]  # the old secret dropped
    assert Investor.objects.get(pk=investor.pk).pan == pan


def test_rotate_field_keys_reports_a_value_no_key_opens(in_alpha, settings):
    investor = make_investor(in_alpha, pan=random_pan())
    settings.FIELD_ENCRYPTION_KEYS = ["a-key-that-is-gone-" + "x" * 30]
    stray = encrypt(random_pan(), purpose="accounts.pan")
    settings.FIELD_ENCRYPTION_KEYS = []
    Investor.objects.filter(pk=investor.pk).update(pan_hash=None)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_investor SET pan = %s WHERE id = %s", [stray, investor.pk])
    with pytest.raises(CommandError, match="1 values could not be decrypted"):
        call_command("rotate_field_keys", stdout=io.StringIO(), stderr=io.StringIO())


def test_rotate_field_keys_rehash_follows_a_new_hash_key(in_alpha, settings):
    pan = random_pan()
    investor = make_investor(in_alpha, pan=pan)
    settings.FIELD_HASH_KEY = "a-new-field-hash-key-of-at-least-32-characters"
    assert investor_by_pan(pan=pan) is None  # hashes under the old key find nothing
    call_command("rotate_field_keys", "--rehash", stdout=io.StringIO())
    assert investor_by_pan(pan=pan) == investor


def test_staff_find_an_investor_by_pan_in_the_investor_search(in_alpha):
    pan = random_pan()
    investor = make_investor(in_alpha, pan=pan)
    make_investor(in_alpha, pan=random_pan())
    owner = make_staff(in_alpha, role="owner")
    assert list(investor_list_for_staff(staff=owner, search=pan.lower())) == [investor]
