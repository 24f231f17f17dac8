"""Prometheus collectors of the order path, read at scrape time across every distributor's schema
(apps/core/metrics.py serves them; settings.METRICS_COLLECTORS names them)."""

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.core.metrics import across_schemas
from apps.orders.gateways import circuit

QUANTILES = ("0.5", "0.95", "1")


class OrdersCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("mfd_orders", "Orders by state and gateway", labels=["state", "gateway"])
        rows = across_schemas(
            "SELECT status, gateway FROM {schema}.orders_order",
            "SELECT status, gateway, COUNT(*) FROM ({union}) AS t GROUP BY status, gateway",
        )
        for status, gateway, count in rows:
            family.add_metric([status, gateway or "none"], count)
        yield family


class GatewayCollector(Collector):
    """Calls and latency over the last METRICS_WINDOW_SECONDS (from the gateway-call audit rows, which
    every worker writes), and each circuit's state (shared by every worker)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        window = settings.METRICS_WINDOW_SECONDS
        since = timezone.now() - timedelta(seconds=window)
        select = "SELECT gateway, outcome, latency_ms FROM {schema}.orders_gatewaycall WHERE created_at >= %s"
        calls = GaugeMetricFamily(
            "mfd_gateway_calls_window",
            f"Gateway calls in the last {window} s by outcome (every outcome but ok is an error)",
            labels=["gateway", "outcome"],
        )
        for gateway, outcome, count in across_schemas(
            select, "SELECT gateway, outcome, COUNT(*) FROM ({union}) AS t GROUP BY gateway, outcome", [since]
        ):
            calls.add_metric([gateway, outcome], count)
        latency = GaugeMetricFamily(
            "mfd_gateway_call_latency_seconds_window",
            f"Gateway call latency over the last {window} s",
            labels=["gateway", "quantile"],
        )
        for gateway, values in across_schemas(
            select,
            "SELECT gateway, percentile_cont(ARRAY[0.5, 0.95, 1.0]) WITHIN GROUP (ORDER BY latency_ms)"
            " FROM ({union}) AS t GROUP BY gateway",
            [since],
        ):
            for quantile, value in zip(QUANTILES, values, strict=True):
                latency.add_metric([gateway, quantile], value / 1000.0)
        circuits = GaugeMetricFamily(
            "mfd_gateway_circuit_open", "1 while a gateway's circuit is open", labels=["gateway"]
        )
        for gateway in settings.ORDER_GATEWAYS:
            circuits.add_metric([gateway], 1.0 if circuit.is_open(gateway) else 0.0)
        yield from (calls, latency, circuits)


class OutboxCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        select = (
            "SELECT status, available_at FROM {schema}.orders_outboxmessage WHERE status IN ('pending', 'processing')"
        )
        open_rows = GaugeMetricFamily("mfd_outbox_open", "Outbox rows not yet done, by status", labels=["status"])
        age = GaugeMetricFamily("mfd_outbox_oldest_age_seconds", "Age of the oldest outbox row not yet done (0: none)")
        oldest = None
        for status, count, first in across_schemas(
            select, "SELECT status, COUNT(*), MIN(available_at) FROM ({union}) AS t GROUP BY status"
        ):
            open_rows.add_metric([status], count)
            oldest = first if oldest is None else min(oldest, first)
        age.add_metric([], max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0)
        yield from (open_rows, age)
