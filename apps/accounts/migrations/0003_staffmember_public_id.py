from django.db import migrations, models


class Migration(migrations.Migration):
    """Staff members get a public id (filled for existing rows by 0004, made unique by 0005)."""

    dependencies = [("accounts", "0002_investor_profile_nominee_invitation")]

    operations = [
        migrations.AddField(
            model_name="staffmember", name="public_id", field=models.UUIDField(editable=False, null=True)
        ),
    ]
