"""What the simulated registrars use: NAVs from our funds tables and the allotment arithmetic."""

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from apps.funds.models import NavHistory, Scheme, SchemeCode

STAMP_DUTY = Decimal("0.00005")  # 0.005% on purchases (since 1-Jul-2020)
UNIT_PLACES = Decimal("0.001")  # registrars allot units to three decimals


def scheme_for(*, source: str, code: str) -> Scheme | None:
    row = SchemeCode.objects.filter(source=source, code=code).select_related("scheme").first()
    return row.scheme if row else None


def nav_for(*, scheme: Scheme, on: date) -> tuple[Decimal, date]:
    """The NAV of `on` if published, else the latest before it, else the scheme's latest NAV."""
    row = NavHistory.objects.filter(scheme=scheme, date__lte=on).order_by("-date").first()
    if row is not None:
        return row.nav, on
    if scheme.latest_nav:
        return scheme.latest_nav, on
    return Decimal("10.00000000"), on


def purchase_units(*, amount: Decimal, nav: Decimal) -> Decimal:
    net = amount * (1 - STAMP_DUTY)
    return (net / nav).quantize(UNIT_PLACES, rounding=ROUND_DOWN)


def redemption_amount(*, units: Decimal, nav: Decimal) -> Decimal:
    return (units * nav).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def units_for_amount(*, amount: Decimal, nav: Decimal) -> Decimal:
    return (amount / nav).quantize(UNIT_PLACES, rounding=ROUND_DOWN)


def nav_date_for(moment: datetime, *, scheme: Scheme, kind: str) -> date:
    from apps.orders.cutoff import expected_nav_date

    return expected_nav_date(at=moment, scheme=scheme, kind=kind)
