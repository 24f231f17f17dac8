"""Writing the ledger: folios, held schemes, transactions, and the FIFO lots derived from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.portfolio.models import (
    TAX_KINDS,
    UNIT_IN_KINDS,
    UNIT_OUT_KINDS,
    Folio,
    Holding,
    Lot,
    LotDisposal,
    MappedBy,
    Registrar,
    Tombstone,
    Transaction,
    TransactionKind,
    TransactionSource,
)
from apps.portfolio.services.valuation import holding_value, investor_valuation_refresh

CENT = Decimal("0.01")
UNIT_PLACES = Decimal("0.0001")
ZERO = Decimal("0")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def transaction_cash_flow(*, kind: str, amount: Decimal) -> Decimal:
    """The investor's cash flow for XIRR (negative: money paid in; positive: money received).

    Purchases, SIPs, switches, redemptions and reversals carry the registrar's signed amount (positive
    for money going in), so the flow is its negation. IDCW paid out is money received. Taxes and duties
    are paid on top of (stamp duty) or out of (STT, TDS) the flows they belong to. A reinvested IDCW and
    segregated units move no cash."""
    if kind == TransactionKind.DIVIDEND_PAYOUT:
        return _money(abs(amount))
    if kind in TAX_KINDS:
        return _money(-abs(amount))
    if kind in (TransactionKind.DIVIDEND_REINVEST, TransactionKind.SEGREGATION):
        return ZERO
    return _money(-amount)


def _validate_line(*, kind: str, units: Decimal, amount: Decimal, source: str, source_ref: str) -> None:
    if kind not in TransactionKind.values:
        raise ApplicationError(f"Unknown transaction kind {kind!r}.", code="invalid_kind")
    if source not in TransactionSource.values:
        raise ApplicationError(f"Unknown transaction source {source!r}.", code="invalid_source")
    if not source_ref or len(source_ref) > 120:
        raise ApplicationError("A source reference of 1 to 120 characters is required.", code="invalid_source_ref")
    if not isinstance(units, Decimal) or not isinstance(amount, Decimal):
        raise ApplicationError("Units and amount must be Decimal.", code="invalid_number")
    if kind in UNIT_IN_KINDS and units < 0:
        raise ApplicationError(f"A {kind} cannot take units away.", code="invalid_units")
    if kind in UNIT_OUT_KINDS and units > 0:
        raise ApplicationError(f"A {kind} cannot add units.", code="invalid_units")
    if kind in TAX_KINDS and units != 0:
        raise ApplicationError(f"A {kind} line carries no units.", code="invalid_units")


def folio_get_or_create(*, investor, folio_number: str, amc=None, amc_name: str = "", registrar: str = "") -> Folio:
    folio_number = folio_number.strip()
    if not folio_number:
        raise ApplicationError("A folio number is required.", code="invalid_folio")
    defaults = {"amc_name": amc_name or (amc.name if amc is not None else ""), "registrar": registrar or "unknown"}
    folio, created = Folio.objects.get_or_create(
        investor=investor, amc=amc, folio_number=folio_number, defaults=defaults
    )
    if not created and registrar and folio.registrar == Registrar.UNKNOWN and registrar != Registrar.UNKNOWN:
        folio.registrar = registrar
        folio.save(update_fields=["registrar", "updated_at"])
    return folio


def holding_get_or_create(
    *,
    folio: Folio,
    scheme=None,
    mapped_by: str = MappedBy.ORDER,
    source_name: str = "",
    source_isin: str = "",
    source_amfi_code: str = "",
    source_rta_code: str = "",
    source_rta: str = "",
) -> Holding:
    """The folio's holding of `scheme`, or of an unmapped scheme by its printed name."""
    identity = {
        "source_isin": source_isin or (scheme.isin_growth if scheme is not None else ""),
        "source_amfi_code": source_amfi_code or (scheme.amfi_code if scheme is not None else ""),
        "source_rta_code": source_rta_code,
        "source_rta": source_rta or Registrar.UNKNOWN,
    }
    if scheme is not None:
        lookup = {"folio": folio, "scheme": scheme}
        defaults = {"source_name": source_name or scheme.name, "mapped_by": mapped_by, **identity}
    else:
        if not source_name:
            raise ApplicationError("An unmapped scheme needs its name.", code="invalid_scheme")
        lookup = {"folio": folio, "scheme": None, "source_name": source_name}
        defaults = {"mapped_by": MappedBy.UNMAPPED, "needs_review": True, **identity}
    holding, _ = Holding.objects.get_or_create(investor_id=folio.investor_id, **lookup, defaults=defaults)
    return holding


@dataclass
class _LotBook:
    """The FIFO lots of one holding while its ledger is replayed in trade order."""

    holding: Holding
    open_lots: list[Lot] = field(default_factory=list)
    all_lots: list[Lot] = field(default_factory=list)
    disposals: list[tuple[Lot, LotDisposal]] = field(default_factory=list)
    realised: Decimal = ZERO
    dividends: Decimal = ZERO
    shortfall: bool = False

    def open_opening_balance(self, *, first_trade_date: date | None) -> None:
        """Units the statement carried in from before its period: one lot, of known cost or not."""
        holding = self.holding
        if holding.opening_units <= 0:
            return
        self._add(
            Lot(
                holding=holding,
                acquired_on=holding.opening_date or first_trade_date or date.today(),
                units=holding.opening_units,
                units_remaining=holding.opening_units,
                cost=holding.opening_cost if holding.opening_cost is not None else ZERO,
                cost_known=holding.opening_cost is not None,
            )
        )

    def replay(self, line: Transaction) -> None:
        kind = line.kind
        if line.units > 0 and (kind in UNIT_IN_KINDS or kind == TransactionKind.REVERSAL):
            self._acquire(line)
        elif line.units < 0 and kind in UNIT_OUT_KINDS:
            self._dispose_oldest_first(line)
        elif line.units < 0 and kind == TransactionKind.REVERSAL:
            self._reverse_newest_first(line)
        elif kind == TransactionKind.STAMP_DUTY:
            self._add_stamp_duty(line)
        elif kind == TransactionKind.DIVIDEND_PAYOUT:
            self.dividends += abs(line.amount)

    def _add(self, lot: Lot) -> None:
        self.open_lots.append(lot)
        self.all_lots.append(lot)

    def _acquire(self, line: Transaction) -> None:
        cost = ZERO if line.kind == TransactionKind.SEGREGATION else abs(line.amount)
        self._add(
            Lot(
                holding=self.holding,
                transaction=line,
                acquired_on=line.trade_date,
                units=line.units,
                units_remaining=line.units,
                cost=_money(cost),
            )
        )

    def _dispose_oldest_first(self, line: Transaction) -> None:
        """A redemption or switch-out takes the oldest units first; each lot it touches records a disposal
        with its share of the proceeds and its FIFO cost."""
        to_take = -line.units
        proceeds_total = abs(line.amount)
        for lot in self.open_lots:
            if to_take <= 0:
                break
            if lot.units_remaining <= 0:
                continue
            take = min(lot.units_remaining, to_take)
            cost = _money(lot.cost * take / lot.units) if lot.cost_known else ZERO
            proceeds = _money(proceeds_total * take / -line.units)
            lot.units_remaining -= take
            to_take -= take
            self.disposals.append((lot, LotDisposal(transaction=line, units=take, cost=cost, proceeds=proceeds)))
            if lot.cost_known:
                self.realised += proceeds - cost
        self.shortfall |= to_take > 0
        self.open_lots = [lot for lot in self.open_lots if lot.units_remaining > 0]

    def _reverse_newest_first(self, line: Transaction) -> None:
        """A reversed purchase (a bounced SIP) takes back the newest units, with their cost."""
        to_take = -line.units
        for lot in reversed(self.open_lots):
            if to_take <= 0:
                break
            take = min(lot.units_remaining, to_take)
            removed_cost = _money(lot.cost * take / lot.units) if lot.units else ZERO
            lot.cost -= removed_cost
            lot.units -= take
            lot.units_remaining -= take
            to_take -= take
        self.shortfall |= to_take > 0
        self.open_lots = [lot for lot in self.open_lots if lot.units_remaining > 0]
        self.all_lots = [lot for lot in self.all_lots if lot.units > 0]

    def _add_stamp_duty(self, line: Transaction) -> None:
        """Stamp duty is part of the cost of the units it was paid for (the newest lot of that day or before)."""
        target = next((lot for lot in reversed(self.open_lots) if lot.acquired_on <= line.trade_date), None)
        if target is not None and target.cost_known:
            target.cost += _money(abs(line.amount))

    def save(self) -> None:
        Lot.objects.bulk_create(self.all_lots)
        for lot, disposal in self.disposals:
            disposal.lot = lot
        LotDisposal.objects.bulk_create([d for _, d in self.disposals])

    def units_held(self) -> Decimal:
        return sum((lot.units_remaining for lot in self.open_lots), ZERO)

    def invested(self) -> Decimal:
        """FIFO cost of the units still held (lots of unknown cost left out)."""
        return sum(
            (
                _money(lot.cost * lot.units_remaining / lot.units)
                for lot in self.open_lots
                if lot.cost_known and lot.units
            ),
            ZERO,
        )

    def units_without_cost(self) -> Decimal:
        return sum((lot.units_remaining for lot in self.open_lots if not lot.cost_known), ZERO)


def holding_rebuild(*, holding: Holding) -> Holding:
    """Replays the holding's ledger in trade order into FIFO lots and disposals, and sets units,
    invested (FIFO cost of the units held), realised gain and dividends. Idempotent; the holding row
    must be locked by the caller (or be new)."""
    lines = list(
        Transaction.objects.filter(holding=holding)
        .order_by("trade_date", "id")
        .only("id", "kind", "trade_date", "amount", "units")
    )
    Lot.objects.filter(holding=holding).delete()  # disposals cascade

    book = _LotBook(holding=holding)
    book.open_opening_balance(first_trade_date=lines[0].trade_date if lines else None)
    for line in lines:
        book.replay(line)
    book.save()

    holding.units = book.units_held().quantize(UNIT_PLACES)
    holding.invested = _money(book.invested())
    holding.realised_gain = _money(book.realised)
    holding.dividends = _money(book.dividends)
    holding.units_without_cost = book.units_without_cost()
    holding.cost_incomplete = book.shortfall or holding.units_without_cost > 0
    holding.first_trade_date = lines[0].trade_date if lines else None
    holding.last_trade_date = lines[-1].trade_date if lines else None
    holding.valuation_stale = True
    holding.save(
        update_fields=[
            "units",
            "invested",
            "realised_gain",
            "dividends",
            "cost_incomplete",
            "units_without_cost",
            "first_trade_date",
            "last_trade_date",
            "valuation_stale",
            "updated_at",
        ]
    )
    return holding


def transaction_record(
    *,
    investor,
    scheme,
    folio_number: str,
    kind: str,
    trade_date: date,
    amount: Decimal,
    units: Decimal,
    nav: Decimal | None,
    source: str,
    source_ref: str,
    description: str = "",
    balance: Decimal | None = None,
    actor=None,
) -> Transaction:
    """Records one ledger line for `investor` in `scheme` under `folio_number` and brings the holding's
    lots and valuation, and the investor's valuation, up to date.

    Idempotent on (source, source_ref): recording the same line again returns the existing row and
    changes nothing. A (source, source_ref) already used for another investor is a ConflictError.
    Runs in the caller's transaction when there is one (orders call it from their allotment service)."""
    _validate_line(kind=kind, units=units, amount=amount, source=source, source_ref=source_ref)
    if scheme is None:
        raise ApplicationError("A scheme is required.", code="invalid_scheme")

    existing = Transaction.objects.filter(source=source, source_ref=source_ref).first()
    if existing is not None:
        return _same_investor_or_conflict(existing, investor)

    with transaction.atomic():
        folio = folio_get_or_create(investor=investor, folio_number=folio_number, amc=scheme.amc)
        holding = holding_get_or_create(folio=folio, scheme=scheme, mapped_by=MappedBy.ORDER)
        holding = Holding.objects.select_for_update().get(pk=holding.pk)
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin loses the race cleanly
                line = Transaction.objects.create(
                    investor=investor,
                    folio=folio,
                    holding=holding,
                    scheme=scheme,
                    kind=kind,
                    trade_date=trade_date,
                    amount=_money(amount),
                    units=units.quantize(UNIT_PLACES),
                    nav=nav,
                    balance=balance,
                    cash_flow=transaction_cash_flow(kind=kind, amount=amount),
                    description=description[:300],
                    source=source,
                    source_ref=source_ref,
                )
        except IntegrityError:
            existing = Transaction.objects.filter(source=source, source_ref=source_ref).first()
            if existing is None:
                raise
            return _same_investor_or_conflict(existing, investor)

        holding_rebuild(holding=holding)
        holding_value(holding=holding)
        investor_valuation_refresh(investor=investor)
        audit_record(
            action="portfolio.transaction_recorded",
            actor=actor,
            actor_label="" if actor else f"source:{source}",
            target=line,
            extra={"kind": kind, "source": source, "source_ref": source_ref, "units": str(units)},
        )
    return line


def _same_investor_or_conflict(existing: Transaction, investor) -> Transaction:
    if existing.investor_id != investor.pk:
        raise ConflictError("This source reference is already recorded for someone else.", code="source_ref_taken")
    return existing


def transaction_delete(*, line: Transaction, actor=None, reason: str = "") -> None:
    """Removes a ledger line recorded in error (staff correction), leaves a tombstone for syncing
    clients and rebuilds the holding and the valuations."""
    with transaction.atomic():
        holding = Holding.objects.select_for_update().get(pk=line.holding_id)
        investor = line.investor
        Tombstone.objects.create(investor=investor, entity=Tombstone.Entity.TRANSACTION, public_id=line.public_id)
        audit_record(
            action="portfolio.transaction_deleted",
            actor=actor,
            target=line,
            extra={"reason": reason, "source": line.source, "source_ref": line.source_ref},
        )
        line.delete()
        holding_rebuild(holding=holding)
        holding_value(holding=holding)
        if holding.units == 0 and not holding.transactions.exists():
            Tombstone.objects.create(investor=investor, entity=Tombstone.Entity.HOLDING, public_id=holding.public_id)
            holding.delete()
        investor_valuation_refresh(investor=investor)


def holding_units_from_ledger(*, holding: Holding) -> Decimal:
    """Opening units plus the signed units of every line: what the registrar's balance should be."""
    total = Transaction.objects.filter(holding=holding).aggregate(total=Sum("units"))["total"] or ZERO
    return holding.opening_units + total
