"""Portfolio-wide figures read from holdings and the ledger: allocation and XIRR (one investor or a family)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from apps.core.querysets import of_investors
from apps.funds.models import Scheme
from apps.portfolio.models import Holding, Transaction
from apps.portfolio.xirr import cash_flows_with_terminal, xirr_decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _weights(buckets: dict[str, Decimal], labels: dict[str, str], total: Decimal) -> list[dict]:
    rows = []
    for key, value in sorted(buckets.items(), key=lambda kv: (-kv[1], kv[0])):
        weight = (value / total * 100).quantize(CENT) if total else ZERO
        rows.append({"key": key, "label": labels.get(key, key), "value": str(value), "percent": str(weight)})
    return rows


def allocation_compute(*, investor_ids: list[int]) -> dict[str, list[dict]]:
    """Current value by asset class, SEBI category and AMC, in one grouped query."""
    rows = (
        of_investors(Holding.objects.filter(units__gt=0), investor_ids)
        .values("scheme__asset_class", "scheme__category", "scheme__amc__name", "folio__amc_name")
        .annotate(total=Sum("value"))
        .order_by()
    )
    by_class: dict[str, Decimal] = defaultdict(Decimal)
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    by_amc: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        by_class[row["scheme__asset_class"] or Scheme.AssetClass.UNKNOWN] += row["total"]
        by_category[row["scheme__category"] or "Unknown"] += row["total"]
        by_amc[row["scheme__amc__name"] or row["folio__amc_name"] or "Unknown"] += row["total"]
    total = sum(by_class.values(), ZERO)
    return {
        "asset_class": _weights(by_class, dict(Scheme.AssetClass.choices), total),
        "category": _weights(by_category, {}, total),
        "amc": _weights(by_amc, {}, total),
    }


def portfolio_xirr(*, investor_ids: list[int], value: Decimal, as_of: date | None) -> Decimal | None:
    """XIRR of everything the investors ever put in and took out, with today's value as the last
    inflow. None when some units have no known cost or there is no root."""
    if Holding.objects.filter(investor_id__in=investor_ids, cost_incomplete=True, units__gt=0).exists():
        return None
    rows = (
        Transaction.objects.filter(investor_id__in=investor_ids)
        .exclude(cash_flow=0)
        .values_list("trade_date")
        .annotate(flow=Sum("cash_flow"))
        .order_by("trade_date")
    )
    flows = list(rows)
    if not flows:
        return None
    last_trade = flows[-1][0]
    as_of = max(as_of, last_trade) if as_of else last_trade
    days, amounts = cash_flows_with_terminal(flows, value=value, as_of=as_of)
    return xirr_decimal(days, amounts)
