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
    return _polish(rate, dates, [float(a) for a in amounts])


def _xnpv_and_slope(rate: float, years: list[float], amounts: list[float]) -> tuple[float, float]:
    base = 1.0 + rate
    value = math.fsum(a * base**-t for a, t in zip(amounts, years, strict=True))
    slope = math.fsum(-t * a * base ** (-t - 1.0) for a, t in zip(amounts, years, strict=True))
    return value, slope


def _polish(rate: float, dates: Sequence[date], amounts: list[float]) -> float:
    """A few Newton steps with compensated sums on pyxirr's root. pyxirr stops at an absolute
    tolerance, which for rates near zero leaves the last significant digits loose (a rate of 1.7e-4
    came back 1.4e-6 off relatively). The polished root is kept only if it is the same root, closer."""
    first = min(dates)
    years = [(d - first).days / 365.0 for d in dates]
    try:
        value, slope = _xnpv_and_slope(rate, years, amounts)
        polished = rate
        for _ in range(8):
            if slope == 0 or not math.isfinite(slope):
                break
            step = value / slope
            polished -= step
            value, slope = _xnpv_and_slope(polished, years, amounts)
            if abs(step) <= 1e-15 * max(abs(polished), 1e-12):
                break
    except (OverflowError, ZeroDivisionError, ValueError):
        return rate
    if not math.isfinite(polished) or abs(polished - rate) > 1e-6 * max(1.0, abs(rate)):
        return rate
    original, _ = _xnpv_and_slope(rate, years, amounts)
    return polished if abs(value) <= abs(original) else rate


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
