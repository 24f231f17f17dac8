"""Prometheus collector of the NAV imports (public schema), read at scrape time."""

from collections.abc import Iterator

from django.db.models import F, Max
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.funds.models import ImportRun


class NavImportCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        duration = GaugeMetricFamily(
            "mfd_nav_import_last_duration_seconds", "Duration of the last import run of a kind", labels=["kind"]
        )
        failed = GaugeMetricFamily(
            "mfd_nav_import_last_failed", "1 when the last import run of a kind failed or was refused", labels=["kind"]
        )
        stale = GaugeMetricFamily("mfd_nav_stale", "1 when the last daily NAV import lacked the expected day's NAVs")
        last_success = GaugeMetricFamily(
            "mfd_nav_import_last_success_timestamp_seconds",
            "When the last successful import run of a kind finished",
            labels=["kind"],
        )
        latest = (
            ImportRun.objects.order_by("kind", "-started_at", "-id")
            .distinct("kind")
            .annotate(took=F("finished_at") - F("started_at"))
            .values_list("kind", "status", "took", "is_stale")
        )
        for kind, status, took, is_stale in latest:
            duration.add_metric([kind], took.total_seconds())
            failed.add_metric([kind], 0.0 if status == ImportRun.Status.SUCCEEDED else 1.0)
            if kind == ImportRun.Kind.AMFI_NAVS:
                stale.add_metric([], 1.0 if is_stale else 0.0)
        successes = (
            ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED)
            .order_by()
            .values("kind")
            .annotate(last=Max("finished_at"))
            .values_list("kind", "last")
        )
        for kind, last in successes:
            last_success.add_metric([kind], last.timestamp())
        yield from (duration, failed, stale, last_success)
