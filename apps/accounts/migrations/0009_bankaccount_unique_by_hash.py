# A bank account is unique per investor and IFSC by its number's keyed hash (filled by 0008).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_encrypt_identifiers"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="bankaccount",
            constraint=models.UniqueConstraint(
                fields=("investor", "account_number_hash", "ifsc"), name="accounts_bankaccount_unique_per_investor"
            ),
        ),
    ]
