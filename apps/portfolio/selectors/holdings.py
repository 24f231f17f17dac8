"""Reading an investor's holdings, ledger, valuation and imports. Investor objects are reached only
through access_* selectors, which answer NotFoundError (404) for anyone else's ids."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum

from apps.accounts.models import Investor
from apps.core.exceptions import NotFoundError
from apps.portfolio.models import CasImport, Holding, InvestorValuation, Lot, Tombstone, Transaction

ZERO = Decimal("0")
CENT = Decimal("0.01")


def units_free_for_redemption(*, investor, scheme, folio_number: str | None, as_of: date) -> Decimal:
    """Units of `scheme` the investor may redeem on `as_of`: the FIFO lots still held (in one folio, or
    in all folios when folio_number is None) whose lock-in (scheme.lock_in_days, e.g. 1095 for ELSS)
    has ended by then. Units of unknown cost (a statement's opening balance) count: they are held."""
    lots = Lot.objects.filter(holding__investor=investor, holding__scheme=scheme, units_remaining__gt=0)
    if folio_number is not None:
        lots = lots.filter(holding__folio__folio_number=folio_number.strip())
    if scheme.lock_in_days:
        lots = lots.filter(acquired_on__lte=as_of - timedelta(days=scheme.lock_in_days))
    return lots.aggregate(total=Sum("units_remaining"))["total"] or ZERO


def access_holding_by_id(*, investor: Investor, public_id: uuid.UUID) -> Holding:
    holding = (
        Holding.objects.select_related("folio", "scheme", "scheme__amc")
        .filter(investor=investor, public_id=public_id)
        .first()
    )
    if holding is None:
        raise NotFoundError("No such holding.")
    return holding


def access_transaction_by_id(*, investor: Investor, public_id: uuid.UUID) -> Transaction:
    line = (
        Transaction.objects.select_related("folio", "holding", "scheme")
        .filter(investor=investor, public_id=public_id)
        .first()
    )
    if line is None:
        raise NotFoundError("No such transaction.")
    return line


def access_cas_import_by_id(*, investor: Investor, public_id: uuid.UUID) -> CasImport:
    cas_import = CasImport.objects.filter(investor=investor, public_id=public_id).first()
    if cas_import is None:
        raise NotFoundError("No such import.")
    return cas_import


@dataclass(frozen=True)
class PortfolioSummary:
    version: int
    value: Decimal
    invested: Decimal
    unrealised_gain: Decimal
    realised_gain: Decimal
    dividends: Decimal
    day_change: Decimal
    xirr: Decimal | None
    nav_date: date | None
    holdings_count: int
    folios_count: int
    needs_review_count: int
    valued_at: datetime | None

    @property
    def absolute_return(self) -> Decimal | None:
        """Unrealised gain on what is invested now, in percent."""
        if not self.invested:
            return None
        return (self.unrealised_gain / self.invested * 100).quantize(CENT)

    @property
    def total_gain(self) -> Decimal:
        return self.unrealised_gain + self.realised_gain + self.dividends

    @property
    def day_change_percent(self) -> Decimal | None:
        previous = self.value - self.day_change
        if not previous:
            return None
        return (self.day_change / previous * 100).quantize(CENT)


EMPTY_SUMMARY = PortfolioSummary(0, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, None, None, 0, 0, 0, None)


def valuation_version(*, investor) -> int:
    """The ETag input of the summary and the holdings (one small query)."""
    return InvestorValuation.objects.filter(investor=investor).values_list("version", flat=True).first() or 0


def portfolio_summary_get(*, investor) -> PortfolioSummary:
    """The precomputed totals (one query)."""
    v = InvestorValuation.objects.filter(investor=investor).first()
    if v is None:
        return EMPTY_SUMMARY
    return summary_from_valuation(v)


def summary_from_valuation(v: InvestorValuation) -> PortfolioSummary:
    return PortfolioSummary(
        version=v.version,
        value=v.value,
        invested=v.invested,
        unrealised_gain=v.unrealised_gain,
        realised_gain=v.realised_gain,
        dividends=v.dividends,
        day_change=v.day_change,
        xirr=v.xirr,
        nav_date=v.nav_date,
        holdings_count=v.holdings_count,
        folios_count=v.folios_count,
        needs_review_count=v.needs_review_count,
        valued_at=v.valued_at,
    )


def allocation_get(*, investor) -> dict:
    return InvestorValuation.objects.filter(investor=investor).values_list("allocation", flat=True).first() or {
        "asset_class": [],
        "category": [],
        "amc": [],
    }


def holding_list(*, investor, updated_since: datetime | None = None, include_closed: bool = False) -> QuerySet:
    holdings = Holding.objects.filter(investor=investor).select_related("folio", "scheme", "scheme__amc")
    if updated_since is not None:
        return holdings.filter(updated_at__gt=updated_since)  # closed ones too: the client learns units=0
    if not include_closed:
        holdings = holdings.filter(units__gt=0)
    return holdings


@dataclass(frozen=True)
class SchemePosition:
    """A scheme across all the investor's folios."""

    scheme_id: int | None
    name: str
    amfi_code: str
    isin: str
    category: str
    asset_class: str
    amc: str
    folios: int
    units: Decimal
    invested: Decimal
    value: Decimal
    unrealised_gain: Decimal
    realised_gain: Decimal
    day_change: Decimal
    nav: Decimal | None
    nav_date: date | None
    holding_ids: list


def scheme_positions(*, investor) -> list[SchemePosition]:
    """Holdings folded by scheme (one query; unmapped schemes by their printed name)."""
    groups: dict = {}
    for h in holding_list(investor=investor).order_by("source_name", "id"):
        key = ("scheme", h.scheme_id) if h.scheme_id else ("name", h.source_name)
        groups.setdefault(key, []).append(h)
    positions = []
    for rows in groups.values():
        first = rows[0]
        scheme = first.scheme
        positions.append(
            SchemePosition(
                scheme_id=first.scheme_id,
                name=scheme.name if scheme else first.source_name,
                amfi_code=scheme.amfi_code if scheme else first.source_amfi_code,
                isin=(scheme.isin_growth if scheme else "") or first.source_isin,
                category=scheme.category if scheme else "",
                asset_class=scheme.asset_class if scheme else "unknown",
                amc=(scheme.amc.name if scheme and scheme.amc_id else first.folio.amc_name),
                folios=len(rows),
                units=sum((h.units for h in rows), ZERO),
                invested=sum((h.invested for h in rows), ZERO),
                value=sum((h.value for h in rows), ZERO),
                unrealised_gain=sum((h.unrealised_gain for h in rows), ZERO),
                realised_gain=sum((h.realised_gain for h in rows), ZERO),
                day_change=sum((h.day_change for h in rows), ZERO),
                nav=first.nav,
                nav_date=first.nav_date,
                holding_ids=[h.public_id for h in rows],
            )
        )
    positions.sort(key=lambda p: (-p.value, p.name))
    return positions


def transaction_list(
    *,
    investor,
    updated_since: datetime | None = None,
    holding_id=None,
    folio_number: str | None = None,
    amfi_code: str | None = None,
    kinds: list[str] | None = None,
    source: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    lines = Transaction.objects.filter(investor=investor).select_related("folio", "holding", "scheme")
    if updated_since is not None:
        lines = lines.filter(updated_at__gt=updated_since)
    if holding_id is not None:
        lines = lines.filter(holding__public_id=holding_id)
    if folio_number:
        lines = lines.filter(folio__folio_number=folio_number)
    if amfi_code:
        lines = lines.filter(scheme__amfi_code=amfi_code)
    if kinds:
        lines = lines.filter(kind__in=kinds)
    if source:
        lines = lines.filter(source=source)
    if date_from:
        lines = lines.filter(trade_date__gte=date_from)
    if date_to:
        lines = lines.filter(trade_date__lte=date_to)
    return lines


def deleted_ids_since(*, investor, entity: str, since: datetime) -> list[str]:
    """Ids of the investor's rows of `entity` deleted after `since` (for delta sync)."""
    return [
        str(public_id)
        for public_id in Tombstone.objects.filter(investor=investor, entity=entity, deleted_at__gt=since)
        .order_by("deleted_at")
        .values_list("public_id", flat=True)
    ]


def cas_import_list(*, investor, updated_since: datetime | None = None) -> QuerySet:
    imports = CasImport.objects.filter(investor=investor)
    if updated_since is not None:
        imports = imports.filter(updated_at__gt=updated_since)
    return imports
