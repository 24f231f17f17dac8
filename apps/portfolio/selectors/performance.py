"""Portfolio value against money invested over a date range, from NAV history and the ledger.

Vectorised with numpy: per holding, units held on each grid day come from a cumulative sum of its
ledger lines and a binary search of the grid; NAVs are carried forward from the last NAV on or before
each day. For a book, ledger lines are summed per scheme and day by the database (millions of lines
become a few rows per scheme and day) and NAVs are read only for the grid days (one index probe per
scheme and day). Five or six queries for any number of holdings and days."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection
from django.db.models import Sum

from apps.core.exceptions import ApplicationError
from apps.portfolio.models import Holding, Lot, LotDisposal, Transaction

MAX_DAYS = 366 * 20
CENT = Decimal("0.01")
# The last NAV on or before each (scheme, day) of two arrays, numbered from 1 (funds.NavHistory's table)
NAVS_ON_GRID_SQL = """
SELECT s.i, g.j, (
    SELECT n.nav FROM funds_navhistory AS n WHERE n.scheme_id = s.id AND n.date <= g.day ORDER BY n.date DESC LIMIT 1
)
FROM unnest(%s::bigint[]) WITH ORDINALITY AS s(id, i) CROSS JOIN unnest(%s::date[]) WITH ORDINALITY AS g(day, j)
"""


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

    scheme_ids, navs = _scheme_navs_on_grid({scheme_id for _, scheme_id, *_ in holdings if scheme_id}, grid)
    # Holdings of a scheme with a NAV on or before the end are valued per scheme: units x NAV summed over
    # holdings is the scheme's units (summed by the database, per day) x NAV. The others (unmapped, or no
    # history) carry the NAVs their ledger and statement printed.
    priced_ids = {scheme_id for k, scheme_id in enumerate(scheme_ids) if not np.isnan(navs[k, -1])}
    priced = [h for h in holdings if h[1] in priced_ids]
    unpriced = [h for h in holdings if h[1] not in priced_ids]
    units = _units_on_grid(_scheme_unit_events(investor_ids, priced, end), scheme_ids, grid)
    # before a scheme's first known NAV its units count for nothing (no better information)
    value = np.nansum(units * navs, axis=0) if len(scheme_ids) else np.zeros(len(grid))
    if unpriced:
        unit_events, trade_navs = _unit_events_and_trade_navs(unpriced, end)
        for holding_id, _, _, _, holding_nav, holding_nav_date in unpriced:
            events = sorted(unit_events.get(holding_id, []))
            if events:
                printed = _printed_navs(trade_navs.get(holding_id, []), holding_nav, holding_nav_date)
                value += _valued(events, printed, grid)

    invested = _invested(investor_ids, grid, end)
    return [PerformancePoint(d.item(), _money(v), _money(i)) for d, v, i in zip(grid, value, invested, strict=True)]


def _valued(events: list[tuple], navs: list[tuple], grid: np.ndarray) -> np.ndarray:
    """Units held (running total of the events) x the NAV carried forward, on each grid day; 0 before the
    first known NAV."""
    if not events:
        return np.zeros(len(grid))
    unit_days = np.array([d for d, _ in events], dtype="datetime64[D]")
    units = _step_values(unit_days, np.array([u for _, u in events]), grid)
    nav_days = np.array([d for d, _ in navs], dtype="datetime64[D]")
    nav_values = _carried_forward(nav_days, np.array([n for _, n in navs]), grid)
    return np.nan_to_num(units * nav_values, nan=0.0)


def _checked_interval(*, start: date, end: date, interval: str) -> str:
    if end < start:
        raise ApplicationError("The range ends before it starts.", code="invalid_range")
    if (end - start).days > MAX_DAYS:
        raise ApplicationError("The range can be at most 20 years.", code="invalid_range")
    interval = interval or ("daily" if (end - start).days <= 366 else "weekly")
    if interval not in ("daily", "weekly"):
        raise ApplicationError("interval is daily or weekly.", code="invalid_interval")
    return interval


def _opening_events(holdings: list[tuple], *, key: int) -> dict[int, list[tuple]]:
    """The holdings' opening balances as unit events, keyed by the holding's id (key=0) or scheme (key=1)."""
    events: dict[int, list[tuple]] = defaultdict(list)
    for holding in holdings:
        _, _, opening_units, opening_date, _, _ = holding
        if opening_units and opening_date:
            events[holding[key]].append((opening_date, float(opening_units)))
    return events


def _scheme_unit_events(investor_ids, holdings: list[tuple], end: date) -> dict[int, list[tuple]]:
    """Per scheme of these holdings: their opening balances plus, per trade day, the units all their
    ledger lines added or took away (summed by the database: a book's millions of lines become a few
    rows per scheme and day)."""
    events = _opening_events(holdings, key=1)
    if not holdings:
        return events
    rows = (
        Transaction.objects.filter(
            holding__investor_id__in=investor_ids,
            holding__scheme_id__in=sorted({scheme_id for _, scheme_id, *_ in holdings}),
            trade_date__lte=end,
        )
        .exclude(units=0)
        .values_list("holding__scheme_id", "trade_date")
        .annotate(total=Sum("units"))
        .order_by()
    )
    for scheme_id, day, units in rows:
        if units:
            events[scheme_id].append((day, float(units)))
    return events


def _unit_events_and_trade_navs(
    holdings: list[tuple], end: date
) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]]]:
    """Per holding: its opening balance plus every line's signed units, and the NAVs the ledger printed."""
    unit_events = _opening_events(holdings, key=0)
    trade_navs: dict[int, list[tuple]] = defaultdict(list)
    for holding_id, day, units, nav in (
        Transaction.objects.filter(holding_id__in=[h[0] for h in holdings], trade_date__lte=end)
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


def _scheme_navs_on_grid(scheme_ids: set[int], grid: np.ndarray) -> tuple[list[int], np.ndarray]:
    """The schemes (sorted) and, per scheme and grid day, the last NAV on or before that day (NaN before
    the first): one probe of the (scheme, date) index per scheme and day, never a scheme's whole history."""
    ids = sorted(scheme_ids)
    navs = np.full((len(ids), len(grid)), np.nan)
    if not ids:
        return ids, navs
    with connection.cursor() as cursor:
        cursor.execute(
            NAVS_ON_GRID_SQL,
            [ids, [d.item() for d in grid]],
        )
        for i, j, nav in cursor.fetchall():
            if nav is not None:
                navs[i - 1, j - 1] = float(nav)
    return ids, navs


def _units_on_grid(events: dict[int, list[tuple]], scheme_ids: list[int], grid: np.ndarray) -> np.ndarray:
    """Units held per scheme (rows in scheme_ids' order) on each grid day: each event counts from the
    first grid day on or after it."""
    units = np.zeros((len(scheme_ids), len(grid)))
    row_of = {scheme_id: k for k, scheme_id in enumerate(scheme_ids)}
    rows = [row_of[scheme_id] for scheme_id, lines in events.items() for _ in lines]
    if not rows:
        return units
    days = np.array([day for lines in events.values() for day, _ in lines], dtype="datetime64[D]")
    amounts = np.array([u for lines in events.values() for _, u in lines])
    columns = np.searchsorted(grid, days, side="left")
    inside = columns < len(grid)
    np.add.at(units, (np.array(rows)[inside], columns[inside]), amounts[inside])
    return np.cumsum(units, axis=1)


def _printed_navs(trade_navs: list[tuple], holding_nav, holding_nav_date) -> list[tuple]:
    """Unmapped, or no history: the NAVs the ledger and the statement printed."""
    navs = list(trade_navs)
    if holding_nav and holding_nav_date:
        navs.append((holding_nav_date, float(holding_nav)))
    navs.sort()
    return navs


def _invested(investor_ids, grid: np.ndarray, end: date) -> np.ndarray:
    """FIFO cost of the units held on each grid day: lots add their cost when bought, disposals take
    theirs away when sold (both summed per day by the database)."""
    events = [
        (acquired_on, float(cost))
        for acquired_on, cost in Lot.objects.filter(
            holding__investor_id__in=investor_ids, cost_known=True, acquired_on__lte=end
        )
        .values_list("acquired_on")
        .annotate(total=Sum("cost"))
        .order_by()
    ]
    events += [
        (day, -float(cost))
        for day, cost in LotDisposal.objects.filter(
            lot__holding__investor_id__in=investor_ids, lot__cost_known=True, transaction__trade_date__lte=end
        )
        .values_list("transaction__trade_date")
        .annotate(total=Sum("cost"))
        .order_by()
    ]
    if not events:
        return np.zeros(len(grid))
    events.sort()
    return _step_values(np.array([d for d, _ in events], dtype="datetime64[D]"), np.array([c for _, c in events]), grid)
