"""Prometheus collector of CAS imports, read at scrape time across every distributor's schema."""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.core.metrics import across_schemas


class CasImportCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("mfd_cas_imports", "CAS imports by outcome", labels=["outcome"])
        for status, count in across_schemas(
            "SELECT status FROM {schema}.portfolio_casimport",
            "SELECT status, COUNT(*) FROM ({union}) AS t GROUP BY status",
        ):
            family.add_metric([status], count)
        yield family
