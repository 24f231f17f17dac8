import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_staffmember_public_id_fill")]

    operations = [
        migrations.AlterField(
            model_name="staffmember",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
