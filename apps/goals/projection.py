"""Goal arithmetic, pure and in Decimal: the target in the money of its date, what the linked holdings
and SIPs grow to by then, and the monthly SIP still needed.

Growth is compounded yearly at each asset class's expected return; SIP instalments are paid at the start
of each month (an annuity due) at the monthly rate equivalent to that yearly return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal("0")
ONE = Decimal("1")
PAISA = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LinkedHolding:
    value: Decimal  # the goal's share of today's value
    annual_return: Decimal  # percent


@dataclass(frozen=True, slots=True)
class LinkedSip:
    monthly_amount: Decimal  # the goal's share, as a monthly amount
    months_left: int  # instalments still to come, in months
    annual_return: Decimal


@dataclass(frozen=True, slots=True)
class GoalProjection:
    months_left: int
    target_future: Decimal  # the target in the money of the target date
    current_value: Decimal
    projected_holdings: Decimal
    projected_sips: Decimal
    projected_total: Decimal
    shortfall: Decimal
    monthly_sip_needed: Decimal  # more a month from now to the target date (0 when on track)
    sip_needed_return: Decimal  # the yearly return assumed for that new SIP
    on_track: bool
    progress_percent: Decimal  # projected total against the future target, capped at 100


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (0 when end is not after start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month) - (end.day < start.day)
    return max(months, 0)


def _money(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_UP)


def _grow(amount: Decimal, annual_return: Decimal, months: int) -> Decimal:
    return amount * (ONE + annual_return / 100) ** (Decimal(months) / 12)


def _monthly_rate(annual_return: Decimal) -> Decimal:
    return (ONE + annual_return / 100) ** (ONE / 12) - ONE


def _annuity_due_factor(annual_return: Decimal, months: int) -> Decimal:
    """What 1 a month, paid at the start of each of `months` months, grows to by the end."""
    if months <= 0:
        return ZERO
    rate = _monthly_rate(annual_return)
    if rate == 0:
        return Decimal(months)
    return ((ONE + rate) ** months - ONE) / rate * (ONE + rate)


def new_sip_return(*, months_left: int, equity: Decimal, hybrid: Decimal, debt: Decimal) -> Decimal:
    """Money for a goal five or more years away goes to equity, three to five to hybrid, nearer to debt."""
    if months_left >= 60:
        return equity
    if months_left >= 36:
        return hybrid
    return debt


def goal_project(
    *,
    target_amount: Decimal,
    inflation: Decimal,
    today: date,
    target_date: date,
    holdings: list[LinkedHolding],
    sips: list[LinkedSip],
    sip_return: Decimal,
) -> GoalProjection:
    with localcontext() as context:
        context.prec = 50  # compounding over decades at high assumed returns outgrows 28 digits
        months = months_between(today, target_date)
        target_future = _grow(target_amount, inflation, months)
        current = sum((h.value for h in holdings), ZERO)
        projected_holdings = sum((_grow(h.value, h.annual_return, months) for h in holdings), ZERO)
        projected_sips = sum(
            (
                s.monthly_amount
                * _annuity_due_factor(s.annual_return, min(s.months_left, months))
                * (ONE + s.annual_return / 100) ** (Decimal(max(months - s.months_left, 0)) / 12)
                for s in sips
            ),
            ZERO,
        )
        total = projected_holdings + projected_sips
        shortfall = max(target_future - total, ZERO)
        factor = _annuity_due_factor(sip_return, months)
        if shortfall == 0:
            needed = ZERO
        elif factor == 0:
            needed = shortfall  # the date has come: only a lump sum closes the gap
        else:
            needed = shortfall / factor
        progress = min(total / target_future * 100, Decimal(100)) if target_future else Decimal(100)
        return GoalProjection(
            months_left=months,
            target_future=_money(target_future),
            current_value=_money(current),
            projected_holdings=_money(projected_holdings),
            projected_sips=_money(projected_sips),
            projected_total=_money(total),
            shortfall=_money(shortfall),
            monthly_sip_needed=_money(needed),
            sip_needed_return=sip_return,
            on_track=shortfall == 0,
            progress_percent=progress.quantize(PAISA, rounding=ROUND_HALF_UP),
        )
