import uuid

from django.db import migrations


def fill(apps, schema_editor):
    StaffMember = apps.get_model("accounts", "StaffMember")
    for member in StaffMember.objects.filter(public_id__isnull=True).only("pk"):
        StaffMember.objects.filter(pk=member.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_staffmember_public_id")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
