"""Portfolio value against money invested over a date range, from NAV history and the ledger.

Vectorised with numpy: per holding, units held on each grid day come from a cumulative sum of its
ledger lines and a binary search of the grid; NAVs are carried forward from the last NAV on or before
each day. Five queries for any number of holdings and days."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from apps.core.exceptions import ApplicationError
from apps.funds.models import NavHistory
from apps.portfolio.models import Holding, Lot, LotDisposal, Transaction

MAX_DAYS = 366 * 20
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PerformancePoint:
    day: date
    value: Decimal
    invested: Decimal

    @property
    def gain(self) -> Decimal:
        return self.value - self.invested


def _money(value) -> Decimal:
    return Decimal(repr(round(float(value), 2))).quantize(CENT)


def _grid(start: date, end: date, interval: str) -> np.ndarray:
    step = 7 if interval == "weekly" else 1
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, step, dtype="datetime64[D]")
    if days[-1] != np.datetime64(end):
        days = np.append(days, np.datetime64(end))  # the last point is always the end of the range
    return days


def _step_values(event_days: np.ndarray, event_values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The running total of event_values as of each grid day (events sorted by day)."""
    if len(event_days) == 0:
        return np.zeros(len(grid))
    totals = np.cumsum(event_values)
    idx = np.searchsorted(event_days, grid, side="right") - 1
    return np.where(idx >= 0, totals[np.clip(idx, 0, None)], 0.0)


def _carried_forward(days: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The last value on or before each grid day (NaN before the first)."""
    if len(days) == 0:
        return np.full(len(grid), np.nan)
    idx = np.searchsorted(days, grid, side="right") - 1
    return np.where(idx >= 0, values[np.clip(idx, 0, None)], np.nan)


def performance_series(
    *, investor_ids: list[int], start: date, end: date, interval: str = ""
) -> list[PerformancePoint]:
    """Value (units held x NAV) and invested amount (FIFO cost of the units held) at each day of the
    grid, daily or weekly (default: daily up to a year, weekly beyond)."""
    grid = _grid(start, end, _checked_interval(start=start, end=end, interval=interval))
    holdings = list(
        Holding.objects.filter(investor_id__in=investor_ids).values_list(
            "id", "scheme_id", "opening_units", "opening_date", "nav", "nav_date"
        )
    )
    if not holdings:
        return [PerformancePoint(d.item(), Decimal("0.00"), Decimal("0.00")) for d in grid]

    unit_events, trade_navs = _unit_events_and_trade_navs(investor_ids, holdings, end)
    nav_rows = _scheme_navs({scheme_id for _, scheme_id, *_ in holdings if scheme_id}, start, end)
    value = np.zeros(len(grid))
    for holding_id, scheme_id, _, _, holding_nav, holding_nav_date in holdings:
        events = sorted(unit_events.get(holding_id, []))
        if not events:
            continue
        units = _step_values(
            np.array([d for d, _ in events], dtype="datetime64[D]"), np.array([u for _, u in events]), grid
        )
        navs = nav_rows.get(scheme_id) if scheme_id else None
        if not navs:
            navs = _printed_navs(trade_navs.get(holding_id, []), holding_nav, holding_nav_date)
        nav_days = np.array([d for d, _ in navs], dtype="datetime64[D]")
        nav_values = _carried_forward(nav_days, np.array([n for _, n in navs]), grid)
        # before a scheme's first known NAV, units held are valued at cost (no better information)
        value += np.nan_to_num(units * nav_values, nan=0.0)

    invested = _invested(investor_ids, grid, end)
    return [PerformancePoint(d.item(), _money(v), _money(i)) for d, v, i in zip(grid, value, invested, strict=True)]


def _checked_interval(*, start: date, end: date, interval: str) -> str:
    if end < start:
        raise ApplicationError("The range ends before it starts.", code="invalid_range")
    if (end - start).days > MAX_DAYS:
        raise ApplicationError("The range can be at most 20 years.", code="invalid_range")
    interval = interval or ("daily" if (end - start).days <= 366 else "weekly")
    if interval not in ("daily", "weekly"):
        raise ApplicationError("interval is daily or weekly.", code="invalid_interval")
    return interval


def _unit_events_and_trade_navs(
    investor_ids: list[int], holdings: list[tuple], end: date
) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]]]:
    """Per holding: its opening balance plus every line's signed units, and the NAVs the ledger printed."""
    unit_events: dict[int, list[tuple]] = defaultdict(list)
    trade_navs: dict[int, list[tuple]] = defaultdict(list)
    for holding_id, _, opening_units, opening_date, _, _ in holdings:
        if opening_units and opening_date:
            unit_events[holding_id].append((opening_date, float(opening_units)))
    for holding_id, day, units, nav in (
        Transaction.objects.filter(holding__investor_id__in=investor_ids, trade_date__lte=end)
        .exclude(units=0, nav__isnull=True)
        .order_by("trade_date", "id")
        .values_list("holding_id", "trade_date", "units", "nav")
        .iterator(chunk_size=5000)
    ):
        if units:
            unit_events[holding_id].append((day, float(units)))
        if nav:
            trade_navs[holding_id].append((day, float(nav)))
    return unit_events, trade_navs


def _scheme_navs(scheme_ids: set[int], start: date, end: date) -> dict[int, list[tuple]]:
    """NAVs of the mapped schemes in the range, with the last one before it to carry forward."""
    nav_rows: dict[int, list[tuple]] = defaultdict(list)
    if not scheme_ids:
        return nav_rows
    before = (
        NavHistory.objects.filter(scheme_id__in=scheme_ids, date__lt=start)
        .order_by("scheme_id", "-date")
        .distinct("scheme_id")
        .values_list("scheme_id", "date", "nav")
    )
    for scheme_id, day, nav in before:
        nav_rows[scheme_id].append((day, float(nav)))
    for scheme_id, day, nav in (
        NavHistory.objects.filter(scheme_id__in=scheme_ids, date__gte=start, date__lte=end)
        .order_by("scheme_id", "date")
        .values_list("scheme_id", "date", "nav")
        .iterator(chunk_size=5000)
    ):
        nav_rows[scheme_id].append((day, float(nav)))
    return nav_rows


def _printed_navs(trade_navs: list[tuple], holding_nav, holding_nav_date) -> list[tuple]:
    """Unmapped, or no history: the NAVs the ledger and the statement printed."""
    navs = list(trade_navs)
    if holding_nav and holding_nav_date:
        navs.append((holding_nav_date, float(holding_nav)))
    navs.sort()
    return navs


def _invested(investor_ids: list[int], grid: np.ndarray, end: date) -> np.ndarray:
    """FIFO cost of the units held on each grid day: lots add their cost when bought, disposals take
    theirs away when sold."""
    events = [
        (acquired_on, float(cost))
        for acquired_on, cost in Lot.objects.filter(
            holding__investor_id__in=investor_ids, cost_known=True, acquired_on__lte=end
        ).values_list("acquired_on", "cost")
    ]
    events += [
        (day, -float(cost))
        for day, cost in LotDisposal.objects.filter(
            lot__holding__investor_id__in=investor_ids, lot__cost_known=True, transaction__trade_date__lte=end
        ).values_list("transaction__trade_date", "cost")
    ]
    if not events:
        return np.zeros(len(grid))
    events.sort()
    return _step_values(np.array([d for d, _ in events], dtype="datetime64[D]"), np.array([c for _, c in events]), grid)
