# PANs and bank account numbers move to encrypted columns with keyed hashes beside them (schema only; the
# values are encrypted by 0008, and the bank account's uniqueness moves to its hash in 0009). The PAN
# format constraints go: a database cannot read a ciphertext (the field validators and services check).

import django.core.validators
from django.db import migrations

import apps.core.model_fields

PAN_VALIDATOR = django.core.validators.RegexValidator("^[A-Z]{5}[0-9]{4}[A-Z]$", "Enter a PAN like ABCDE1234F.")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_stafftotpdevice"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="bankaccount", name="accounts_bankaccount_unique_per_investor"),
        migrations.RemoveConstraint(model_name="investor", name="accounts_investor_pan_format"),
        migrations.RemoveConstraint(model_name="invitation", name="accounts_invitation_pan_format"),
        migrations.AddField(
            model_name="bankaccount",
            name="account_number_hash",
            field=apps.core.model_fields.KeyedHashField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="investor",
            name="pan_hash",
            field=apps.core.model_fields.KeyedHashField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="bankaccount",
            name="account_number",
            field=apps.core.model_fields.EncryptedCharField(
                hash_field="account_number_hash", purpose="accounts.bank-account-number"
            ),
        ),
        migrations.AlterField(
            model_name="investor",
            name="pan",
            field=apps.core.model_fields.EncryptedCharField(
                blank=True,
                hash_field="pan_hash",
                null=True,
                purpose="accounts.pan",
                validators=[PAN_VALIDATOR],
                verbose_name="PAN",
            ),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="pan",
            field=apps.core.model_fields.EncryptedCharField(
                blank=True, purpose="accounts.pan", validators=[PAN_VALIDATOR], verbose_name="PAN"
            ),
        ),
    ]
