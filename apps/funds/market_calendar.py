"""The market calendar: trading days are weekdays that are not trading holidays (TradingHoliday, kept by
platform staff in the admin and seeded for the demo). Times are IST (apps.core.timezones)."""

import datetime as dt

from apps.core.timezones import IST
from apps.funds.models import TradingHoliday

__all__ = ["IST", "trading_day_is", "trading_day_latest", "trading_day_next", "trading_days_from", "trading_holidays"]

_HORIZON = 60  # a longer run of non-trading days than this does not happen


def trading_holidays(*, start: dt.date, end: dt.date) -> set[dt.date]:
    return set(TradingHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def trading_day_is(day: dt.date, *, holidays: set[dt.date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if holidays is None:
        holidays = trading_holidays(start=day, end=day)
    return day not in holidays


def trading_day_latest(*, on_or_before: dt.date) -> dt.date:
    """The latest trading day on or before the given day."""
    holidays = trading_holidays(start=on_or_before - dt.timedelta(days=_HORIZON), end=on_or_before)
    day = on_or_before
    for _ in range(_HORIZON):
        if trading_day_is(day, holidays=holidays):
            return day
        day -= dt.timedelta(days=1)
    raise ValueError(f"No trading day within {_HORIZON} days before {on_or_before}.")


def trading_day_next(day: dt.date, *, include_today: bool = False) -> dt.date:
    """The first trading day after `day` (or `day` itself when include_today and it trades)."""
    holidays = trading_holidays(start=day, end=day + dt.timedelta(days=_HORIZON))
    candidate = day if include_today else day + dt.timedelta(days=1)
    for _ in range(_HORIZON):
        if trading_day_is(candidate, holidays=holidays):
            return candidate
        candidate += dt.timedelta(days=1)
    raise ValueError(f"No trading day within {_HORIZON} days of {day}.")


def trading_days_from(day: dt.date, count: int) -> dt.date:
    """The `count`-th trading day after `day` (before it when `count` is negative), `day` itself not
    counted; one read of the holiday calendar."""
    step = dt.timedelta(days=1 if count >= 0 else -1)
    reach = dt.timedelta(days=abs(count) * 3 + _HORIZON)
    start, end = (day, day + reach) if count >= 0 else (day - reach, day)
    holidays = trading_holidays(start=start, end=end)
    current, left = day, abs(count)
    while left:
        current += step
        if trading_day_is(current, holidays=holidays):
            left -= 1
    return current
