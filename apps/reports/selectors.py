"""Reads for tax reports: an investor's sold lots of a financial year, what selling everything today would
realise, and IDCW income. The rules themselves are in apps.reports.capital_gains."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from apps.accounts.models import StaffMember
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.exceptions import NotFoundError
from apps.funds.models import NavHistory
from apps.portfolio.models import Lot, LotDisposal, Transaction, TransactionKind
from apps.reports.capital_gains import (
    GRANDFATHERING_DATE,
    ZERO,
    LotGain,
    SaleLot,
    Section,
    Term,
    YearSummary,
    financial_year_bounds,
    financial_year_label,
    financial_year_parse,
    financial_year_start,
    lot_gains,
    ltcg_112a_exemption,
    ltcg_112a_realised,
    year_summary,
)
from apps.reports.models import Statement, StatementBatch, StatementStatus

IST = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True, slots=True)
class IncomeLine:
    """An IDCW payout: income at slab rate, apart from capital gains."""

    date: date
    isin: str
    scheme_name: str
    folio: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CapitalGainsReport:
    financial_year: str
    lots: list[LotGain]
    summary: YearSummary
    idcw: list[IncomeLine]
    idcw_total: Decimal
    tds_total: Decimal


@dataclass(frozen=True, slots=True)
class UnrealisedReport:
    as_of: date
    financial_year: str
    lots: list[LotGain]
    value: Decimal
    cost: Decimal
    short_term_gain: Decimal
    long_term_gain: Decimal
    by_section: dict[str, Decimal]
    ltcg_112a_realised: Decimal
    exemption_112a_limit: Decimal
    exemption_112a_left: Decimal
    ltcg_tax_free_available: Decimal  # equity LTCG that could be realised this year without tax
    lots_without_cost: int
    lots_without_nav: int


def today_ist() -> date:
    return timezone.now().astimezone(IST).date()


def _identity(holding) -> tuple[str, str, str]:
    scheme = holding.scheme
    isin = (scheme.isin_growth if scheme else "") or holding.source_isin
    name = scheme.name if scheme else holding.source_name
    asset_class = scheme.tax_asset_class if scheme else "unknown"
    return isin, name, asset_class


def _fmv_navs(scheme_ids: set[int]) -> dict[int, Decimal]:
    """The 31-Jan-2018 NAV of each scheme that AMFI's history has (imported with import_amfi_nav_history)."""
    if not scheme_ids:
        return {}
    rows = NavHistory.objects.filter(scheme_id__in=scheme_ids, date=GRANDFATHERING_DATE).values_list("scheme_id", "nav")
    return dict(rows)


def _stt_by_sale(*, investor, start: date, end: date) -> dict[tuple[int, date], Decimal]:
    rows = (
        Transaction.objects.filter(investor=investor, kind=TransactionKind.STT, trade_date__range=(start, end))
        .values("holding_id", "trade_date")
        .annotate(total=Sum("amount"))
    )
    return {(row["holding_id"], row["trade_date"]): abs(row["total"]) for row in rows}


def sale_lots_for_year(*, investor, fy_start: int) -> list[SaleLot]:
    """Every FIFO lot the investor's redemptions, switch outs, STP and SWP legs took in the year."""
    start, end = financial_year_bounds(fy_start)
    disposals = list(
        LotDisposal.objects.filter(lot__holding__investor=investor, transaction__trade_date__range=(start, end))
        .select_related("lot", "lot__holding__folio", "lot__holding__scheme", "transaction")
        .order_by("transaction__trade_date", "transaction_id", "id")
    )
    stt = _stt_by_sale(investor=investor, start=start, end=end)
    early = {d.lot.holding.scheme_id for d in disposals if d.lot.acquired_on <= GRANDFATHERING_DATE}
    fmv = _fmv_navs({scheme_id for scheme_id in early if scheme_id})
    lots = []
    for disposal in disposals:
        lot, sale = disposal.lot, disposal.transaction
        holding = lot.holding
        isin, name, asset_class = _identity(holding)
        stt_total = stt.get((holding.id, sale.trade_date), ZERO)
        lots.append(
            SaleLot(
                isin=isin,
                scheme_name=name,
                folio=holding.folio.folio_number,
                bought_on=lot.acquired_on,
                sold_on=sale.trade_date,
                units=disposal.units,
                purchase_value=disposal.cost if lot.cost_known else None,
                sale_value=disposal.proceeds,
                asset_class=asset_class,
                sale_kind=sale.kind,
                fmv_nav_31jan2018=fmv.get(holding.scheme_id),
                stt=stt_total * disposal.units / -sale.units if sale.units else ZERO,
                scheme_id=holding.scheme_id,
            )
        )
    return lots


def idcw_income(*, investor, fy_start: int) -> tuple[list[IncomeLine], Decimal]:
    start, end = financial_year_bounds(fy_start)
    lines = (
        Transaction.objects.filter(
            investor=investor,
            kind__in=[TransactionKind.DIVIDEND_PAYOUT, TransactionKind.TDS],
            trade_date__range=(start, end),
        )  # fmt: skip
        .select_related("holding__scheme", "folio")
        .order_by("trade_date", "id")
    )
    income, tds = [], ZERO
    for line in lines:
        if line.kind == TransactionKind.TDS:
            tds += abs(line.amount)
            continue
        isin, name, _ = _identity(line.holding)
        income.append(IncomeLine(line.trade_date, isin, name, line.folio.folio_number, abs(line.amount)))
    return income, tds


def capital_gains_get(*, investor, financial_year: str) -> CapitalGainsReport:
    """The year's sold lots with their gains, the summary per section, and IDCW income."""
    fy_start = financial_year_parse(financial_year)
    gains = lot_gains(sale_lots_for_year(investor=investor, fy_start=fy_start))
    idcw, tds = idcw_income(investor=investor, fy_start=fy_start)
    return CapitalGainsReport(
        financial_year=financial_year,
        lots=gains,
        summary=year_summary(financial_year=financial_year, gains=gains),
        idcw=idcw,
        idcw_total=sum((line.amount for line in idcw), ZERO),
        tds_total=tds,
    )


def unrealised_get(*, investor, as_of: date | None = None) -> UnrealisedReport:
    """What selling every unit at the latest NAV would realise, lot by lot, and how much equity LTCG the
    rest of the year's Sec 112A exemption could still take tax-free."""
    as_of = as_of or today_ist()
    open_lots = (
        Lot.objects.filter(holding__investor=investor, units_remaining__gt=0)
        .select_related("holding__folio", "holding__scheme")
        .order_by("holding_id", "acquired_on", "id")
    )
    open_lots = list(open_lots)
    fmv = _fmv_navs({lot.holding.scheme_id for lot in open_lots if lot.acquired_on <= GRANDFATHERING_DATE} - {None})
    sale_lots, without_nav = [], 0
    for lot in open_lots:
        holding = lot.holding
        if holding.nav is None:
            without_nav += 1
            continue
        isin, name, asset_class = _identity(holding)
        share = lot.units_remaining / lot.units
        sale_lots.append(
            SaleLot(
                isin=isin,
                scheme_name=name,
                folio=holding.folio.folio_number,
                bought_on=lot.acquired_on,
                sold_on=max(as_of, lot.acquired_on),
                units=lot.units_remaining,
                purchase_value=(lot.cost * share).quantize(Decimal("0.01")) if lot.cost_known else None,
                sale_value=(lot.units_remaining * holding.nav).quantize(Decimal("0.01")),
                asset_class=asset_class,
                sale_kind="unrealised",
                fmv_nav_31jan2018=fmv.get(holding.scheme_id),
                scheme_id=holding.scheme_id,
            )
        )
    gains = lot_gains(sale_lots)
    with_gain = [g for g in gains if g.gain is not None]
    by_section: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for g in with_gain:
        by_section[g.section.value] += g.gain

    fy_start = financial_year_start(as_of)
    label = financial_year_label(fy_start)
    realised = capital_gains_get(investor=investor, financial_year=label)
    realised_112a = max(ltcg_112a_realised(realised.summary), ZERO)
    limit = ltcg_112a_exemption(fy_start)
    left = max(limit - realised_112a, ZERO)
    unrealised_112a = sum((g.gain for g in with_gain if g.section == Section.LTCG_EQUITY and g.gain > 0), ZERO)
    return UnrealisedReport(
        as_of=as_of,
        financial_year=label,
        lots=gains,
        value=sum((g.sale_value for g in gains), ZERO),
        cost=sum((g.cost_used for g in with_gain), ZERO),
        short_term_gain=sum((g.gain for g in with_gain if g.term == Term.SHORT), ZERO),
        long_term_gain=sum((g.gain for g in with_gain if g.term == Term.LONG), ZERO),
        by_section=dict(by_section),
        ltcg_112a_realised=realised_112a,
        exemption_112a_limit=limit,
        exemption_112a_left=left,
        ltcg_tax_free_available=min(left, unrealised_112a),
        lots_without_cost=len(gains) - len(with_gain),
        lots_without_nav=without_nav,
    )


def financial_years_with_sales(*, investor) -> list[str]:
    """The financial years in which the investor sold units, newest first (for pickers)."""
    days = (
        Transaction.objects.filter(Q(kind__in=["redemption", "switch_out"]), investor=investor)
        .values_list("trade_date", flat=True)
        .distinct()
    )
    return [financial_year_label(y) for y in sorted({financial_year_start(d) for d in days}, reverse=True)]


# ------------------------------------------------------------------------------------ statements


def _uuid(value, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError(f"No such {what}.") from exc


def access_statement_by_id(*, investor, public_id) -> Statement:
    """One of the investor's own statements; 404 for anyone else's."""
    statement = Statement.objects.filter(investor=investor, public_id=_uuid(public_id, "statement")).first()
    if statement is None:
        raise NotFoundError("No such statement.")
    return statement


def statement_list(*, investor) -> QuerySet:
    return Statement.objects.filter(investor=investor).order_by("-created_at", "-id")


def access_statement_batch_by_id(*, staff: StaffMember, public_id) -> StatementBatch:
    """A batch of this distributor, for staff who may see reports (every batch: batches are the
    distributor's, not one relationship manager's); 404 for anyone else and for a malformed id."""
    if not role_has_capability(staff.role, Capability.REPORTS_VIEW):
        raise NotFoundError("No such batch.")
    batch = StatementBatch.objects.filter(public_id=_uuid(public_id, "batch")).first()
    if batch is None:
        raise NotFoundError("No such batch.")
    return batch


def statement_batch_progress(*, batch: StatementBatch) -> dict:
    counts = {status: 0 for status in StatementStatus.values}
    for row in batch.statements.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    finished = counts[StatementStatus.DONE] + counts[StatementStatus.FAILED]
    return {
        "total": batch.total,
        "done": counts[StatementStatus.DONE],
        "failed": counts[StatementStatus.FAILED],
        "percent": int(finished * 100 / batch.total) if batch.total else 100,
        "finished": finished >= batch.total,
    }
