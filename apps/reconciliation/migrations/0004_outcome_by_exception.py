"""Reconciliation by exception: a registrar row that agrees with our ledger is no longer written, so its
stored outcome is blank ('matched' and 'pending' are counted, not stored). The (feed, folio) index finds
a feed's rows for the orders it should confirm."""

from django.db import migrations, models


def blank_agreeing_rows(apps, schema_editor):
    RegistrarTransaction = apps.get_model("reconciliation", "RegistrarTransaction")
    RegistrarTransaction.objects.filter(outcome__in=("matched", "pending")).update(outcome="")


def restore_pending(apps, schema_editor):
    RegistrarTransaction = apps.get_model("reconciliation", "RegistrarTransaction")
    RegistrarTransaction.objects.filter(outcome="").update(outcome="pending")


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0003_fewer_indexes")]

    operations = [
        migrations.AlterField(
            model_name="registrartransaction",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "No exception"),
                    ("matched", "Matches our order and ledger"),
                    ("completed", "Completed our order from the registrar"),
                    ("reversed", "Reversal applied"),
                    ("outside", "Made outside the platform: added to the ledger"),
                    ("known", "Already in the ledger from the registrar"),
                    ("differs", "Differs from our records"),
                    ("unresolved", "Could not be placed (see its discrepancy)"),
                    ("pending", "Not reconciled yet"),
                ],
                default="",
                max_length=12,
            ),
        ),
        migrations.RunPython(blank_agreeing_rows, restore_pending),
        migrations.AddIndex(
            model_name="registrartransaction",
            index=models.Index(fields=["feed", "folio"], name="reconciliat_feed_id_c65f1c_idx"),
        ),
    ]
