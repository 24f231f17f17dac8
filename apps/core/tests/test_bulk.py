"""bulk_insert_copy: many new rows through COPY, as bulk_create(ignore_conflicts=True) would write them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.bulk import COPY_FROM_ROWS, bulk_insert_copy
from apps.funds.models import Amc, ImportRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [COPY_FROM_ROWS + 500, 10], ids=["copy", "small-batch"])
def test_rows_are_inserted_and_a_conflicting_one_is_skipped(rows):
    # given an AMC already stored under one of the codes
    kept = Amc.objects.create(code="bulk-amc-3", name="Bulk AMC kept as it was")
    before = timezone.now()

    bulk_insert_copy([Amc(code=f"bulk-amc-{n}", name=f"Bulk AMC {n}") for n in range(rows)])

    # then every other row is there with its timestamps, and the stored one is untouched
    stored = Amc.objects.filter(code__startswith="bulk-amc-")
    assert stored.count() == rows
    assert Amc.objects.get(pk=kept.pk).name == "Bulk AMC kept as it was"
    new = stored.exclude(pk=kept.pk)
    assert not new.filter(created_at__lt=before).exists() and not new.filter(updated_at__isnull=True).exists()


def test_values_keep_their_types_json_included():
    # given rows with JSON, text with COPY's special characters, dates, numbers and nulls
    started = timezone.now() - timedelta(hours=1)
    runs = [
        ImportRun(
            kind=ImportRun.Kind.AMFI_NAVS, status=ImportRun.Status.SUCCEEDED, source=f"tab\\t and\nnewline {n}",
            started_at=started, finished_at=started + timedelta(seconds=n), inserted=n, nav_date=None,
            report={"rows": n, "amount": str(Decimal("1.50")), "nested": {"ok": True}}, error="",
        )
        for n in range(COPY_FROM_ROWS)
    ]  # fmt: skip

    bulk_insert_copy(runs)

    last = ImportRun.objects.get(source=f"tab\\t and\nnewline {COPY_FROM_ROWS - 1}")
    assert last.report == {"rows": COPY_FROM_ROWS - 1, "amount": "1.50", "nested": {"ok": True}}
    assert last.inserted == COPY_FROM_ROWS - 1 and last.nav_date is None
    assert last.finished_at == started + timedelta(seconds=COPY_FROM_ROWS - 1)
