"""The one market calendar: weekends and trading holidays are skipped both ways."""

import datetime as dt

import pytest

from apps.funds.market_calendar import IST, trading_day_is, trading_day_latest, trading_day_next, trading_days_from
from apps.funds.models import TradingHoliday

pytestmark = pytest.mark.django_db

FRIDAY_HOLIDAY = dt.date(2031, 3, 14)  # a Friday


@pytest.fixture
def holiday():
    TradingHoliday.objects.create(date=FRIDAY_HOLIDAY, description="Holi (test)")


def test_weekends_and_holidays_do_not_trade(holiday):
    assert trading_day_is(dt.date(2031, 3, 13))
    assert not trading_day_is(FRIDAY_HOLIDAY)
    assert not trading_day_is(dt.date(2031, 3, 15))  # Saturday


def test_next_and_latest_skip_a_long_weekend(holiday):
    thursday, monday = dt.date(2031, 3, 13), dt.date(2031, 3, 17)
    assert trading_day_next(thursday) == monday
    assert trading_day_next(thursday, include_today=True) == thursday
    assert trading_day_latest(on_or_before=dt.date(2031, 3, 16)) == thursday


def test_ist_is_india_standard_time():
    assert dt.datetime(2031, 1, 1, tzinfo=IST).utcoffset() == dt.timedelta(hours=5, minutes=30)


def test_counting_trading_days_both_ways_skips_the_long_weekend(holiday):
    wednesday, thursday, monday, tuesday = (dt.date(2031, 3, d) for d in (12, 13, 17, 18))
    assert trading_days_from(thursday, 1) == monday
    assert trading_days_from(wednesday, 3) == tuesday
    assert trading_days_from(tuesday, -2) == thursday
    assert trading_days_from(tuesday, 0) == tuesday
