"""Reading holdings and lots."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from apps.portfolio.models import Lot


def units_free_for_redemption(*, investor, scheme, folio_number: str | None, as_of: date) -> Decimal:
    """Units of `scheme` the investor may redeem on `as_of`: the FIFO lots still held (in one folio, or
    in all folios when folio_number is None) whose lock-in (scheme.lock_in_days, e.g. 1095 for ELSS)
    has ended by then. Units of unknown cost (a statement's opening balance) count: they are held."""
    lots = Lot.objects.filter(holding__investor=investor, holding__scheme=scheme, units_remaining__gt=0)
    if folio_number is not None:
        lots = lots.filter(holding__folio__folio_number=folio_number.strip())
    if scheme.lock_in_days:
        lots = lots.filter(acquired_on__lte=as_of - timedelta(days=scheme.lock_in_days))
    return lots.aggregate(total=Sum("units_remaining"))["total"] or Decimal("0")
