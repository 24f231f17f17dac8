"""Which day's NAV an order gets (SEBI cut-off rules), from the time it was placed in IST.

- 3:00 pm IST for every scheme and transaction, except liquid and overnight purchases: 1:30 pm.
- Before the cut-off on a trading day: that day. At or after it, or on a weekend or a trading holiday:
  the next trading day.
- Purchases (since 1-Feb-2021) finally get the NAV of the day the funds are realised in time, so the
  NAV date of a purchase is computed again from the realisation time when the payment is confirmed."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.funds.models import Scheme, TradingHoliday

IST = ZoneInfo("Asia/Kolkata")
CUTOFF = time(15, 0)
LIQUID_PURCHASE_CUTOFF = time(13, 30)
_HORIZON = 60  # a longer run of non-trading days than this does not happen


def trading_holidays(*, start: date, end: date) -> set[date]:
    return set(TradingHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def is_trading_day(day: date, *, holidays: set[date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if holidays is None:
        holidays = trading_holidays(start=day, end=day)
    return day not in holidays


def next_trading_day(day: date, *, include_today: bool = False) -> date:
    """The first trading day after `day` (or `day` itself when include_today and it trades)."""
    holidays = trading_holidays(start=day, end=day + timedelta(days=_HORIZON))
    candidate = day if include_today else day + timedelta(days=1)
    for _ in range(_HORIZON):
        if is_trading_day(candidate, holidays=holidays):
            return candidate
        candidate += timedelta(days=1)
    raise ValueError(f"No trading day within {_HORIZON} days of {day}.")


def cutoff_for(*, scheme: Scheme, kind: str) -> time:
    if kind == "purchase" and scheme.is_liquid:
        return LIQUID_PURCHASE_CUTOFF
    return CUTOFF


def expected_nav_date(*, at: datetime, scheme: Scheme, kind: str) -> date:
    """The NAV date for an order of `kind` in `scheme` received at `at` (aware; any zone)."""
    if at.tzinfo is None:
        raise ValueError("expected_nav_date needs an aware datetime.")
    local = at.astimezone(IST)
    if local.time() < cutoff_for(scheme=scheme, kind=kind):
        return next_trading_day(local.date(), include_today=True)
    return next_trading_day(local.date())
