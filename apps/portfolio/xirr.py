"""XIRR on dated cash flows (pyxirr, Excel's ACT/365 convention). None where there is no root."""

import math
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from pyxirr import xirr as _xirr

XIRR_PLACES = Decimal("0.00000001")


def xirr_compute(dates: Sequence[date], amounts: Sequence[Decimal | float]) -> float | None:
    """The annualised rate r with sum(a_i / (1 + r) ** ((d_i - d_0) / 365)) = 0, or None when the flows
    have no sign change or the solver does not converge."""
    if len(dates) != len(amounts) or len(dates) < 2:
        return None
    try:
        rate = _xirr(list(dates), [float(a) for a in amounts], silent=True)
    except (ValueError, OverflowError, ArithmeticError):
        return None
    if rate is None or math.isnan(rate) or math.isinf(rate):
        return None
    return rate


def xirr_decimal(dates: Sequence[date], amounts: Sequence[Decimal | float]) -> Decimal | None:
    """xirr_compute rounded to 8 places for storing (None when it does not fit the column)."""
    rate = xirr_compute(dates, amounts)
    if rate is None or abs(rate) >= 1e5:
        return None
    return Decimal(repr(rate)).quantize(XIRR_PLACES)


def cash_flows_with_terminal(
    flows: Iterable[tuple[date, Decimal]], *, value: Decimal, as_of: date | None
) -> tuple[list[date], list[Decimal]]:
    """Merges flows by date and adds the current value as a final inflow on `as_of`."""
    merged: dict[date, Decimal] = {}
    for day, amount in flows:
        merged[day] = merged.get(day, Decimal("0")) + amount
    if value and as_of is not None:
        merged[as_of] = merged.get(as_of, Decimal("0")) + value
    days = sorted(merged)
    return days, [merged[d] for d in days]
