"""How fresh the NAVs behind an investor's valuation are: the date each figure rests on, and which
holdings are valued at a NAV older than the last business day (the market calendar's latest trading day
before today, IST). A valuation is only as fresh as its oldest NAV, so that is the date shown; when the
holdings were valued at different dates the figure says so."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.core.timezones import ist_today
from apps.funds.market_calendar import trading_day_latest
from apps.portfolio.models import Holding


@dataclass(frozen=True)
class StaleHolding:
    name: str
    nav_date: date


@dataclass(frozen=True)
class NavFreshness:
    as_of: date | None  # the oldest NAV date among the open holdings: the date the valuation rests on
    latest: date | None  # the newest one
    expected: date  # the last business day: NAVs of that day are the freshest there can be
    stale_holdings: list[StaleHolding] = field(default_factory=list)

    @property
    def mixed(self) -> bool:
        """The holdings were valued at NAVs of different dates."""
        return self.as_of is not None and self.as_of != self.latest

    @property
    def stale(self) -> bool:
        return bool(self.stale_holdings)


def nav_expected_date(*, today: date | None = None) -> date:
    """The last business day before today (IST): a scheme's NAV of that day is published by the night
    of that day, so anything older is stale."""
    today = today or ist_today()
    return trading_day_latest(on_or_before=today - timedelta(days=1))


def nav_freshness_get(*, investor, today: date | None = None) -> NavFreshness:
    """The NAV dates of this investor's open, valued holdings (one query), per scheme against the last
    business day."""
    expected = nav_expected_date(today=today)
    rows = list(
        Holding.objects.filter(investor=investor, units__gt=0, nav_date__isnull=False)
        .order_by("nav_date", "source_name")
        .values_list("source_name", "nav_date")
    )
    if not rows:
        return NavFreshness(as_of=None, latest=None, expected=expected)
    stale = [StaleHolding(name=name, nav_date=nav_date) for name, nav_date in rows if nav_date < expected]
    return NavFreshness(as_of=rows[0][1], latest=rows[-1][1], expected=expected, stale_holdings=stale)
