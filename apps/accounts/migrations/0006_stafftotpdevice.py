# The staff TOTP device moves from apps.portal to apps.accounts. Its table (portal_stafftotpdevice) and
# rows stay where they are: this migration only tells the migration state that accounts owns the model;
# portal's 0002 then drops it from portal's state.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_staffmember_public_id_unique"),
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffTotpDevice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("secret_encrypted", models.TextField()),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("last_step", models.BigIntegerField(default=-1)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="totp_device",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff TOTP device",
                        "ordering": ["-created_at"],
                        "db_table": "portal_stafftotpdevice",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
