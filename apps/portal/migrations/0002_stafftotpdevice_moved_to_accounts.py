# The staff TOTP device now belongs to apps.accounts (accounts 0006), which keeps using this table:
# drop the model from portal's migration state only, never the table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
        ("accounts", "0006_stafftotpdevice"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StaffTotpDevice")],
            database_operations=[],
        ),
    ]
