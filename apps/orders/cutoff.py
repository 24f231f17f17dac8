"""Which day's NAV an order gets (SEBI cut-off rules), from the time it was placed in IST.

- 3:00 pm IST for every scheme and transaction, except liquid and overnight purchases: 1:30 pm.
- Before the cut-off on a trading day: that day. At or after it, or on a weekend or a trading holiday:
  the next trading day.
- Purchases (since 1-Feb-2021) finally get the NAV of the day the funds are realised in time, so the
  NAV date of a purchase is computed again from the realisation time when the payment is confirmed."""

from datetime import date, datetime, time

from apps.funds.market_calendar import IST, trading_day_next
from apps.funds.models import Scheme

CUTOFF = time(15, 0)
LIQUID_PURCHASE_CUTOFF = time(13, 30)


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
        return trading_day_next(local.date(), include_today=True)
    return trading_day_next(local.date())
