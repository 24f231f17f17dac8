"""Feed rows as typed records (Decimal units and amounts, dates), whatever layout and form they came in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from apps.reconciliation.feeds.containers import FeedRefused, Table, to_date, to_decimal, to_text
from apps.reconciliation.feeds.layouts import Kind, Layout

UNITS_Q, MONEY_Q = Decimal("0.0001"), Decimal("0.01")

# canonical transaction kinds, as the ledger names them
CAMS_TYPES = {"P": "purchase", "R": "redemption", "SI": "switch_in", "SO": "switch_out", "DR": "dividend_reinvest",
              "DP": "dividend_payout", "TI": "switch_in", "TO": "switch_out"}  # fmt: skip
KFINTECH_TYPES = {"SIN": "switch_in", "LTIN": "switch_in", "SOUT": "switch_out", "SOU": "switch_out",
                  "LTOF": "switch_out", "DIR": "dividend_reinvest", "DP": "dividend_payout", "RED": "redemption",
                  "NEW": "purchase", "ADD": "purchase", "SIP": "sip"}  # fmt: skip
REJECTED_STATUSES = frozenset({"R", "REJ", "REJECTED", "REV", "REVERSED", "REVERSAL"})


@dataclass(frozen=True)
class TxnRecord:
    row_number: int
    registrar: str
    amc: str
    folio: str
    scheme_code: str
    scheme_name: str
    isin: str
    investor_name: str
    pan: str
    kind: str
    txn_type: str
    txn_no: str
    user_txn_no: str
    application_no: str
    trade_date: date
    units: Decimal
    amount: Decimal
    nav: Decimal | None
    broker_code: str
    euin: str
    brokerage: Decimal
    brokerage_percent: Decimal | None
    reversal: bool
    original_txn_no: str
    exchange_flag: str

    @property
    def key(self) -> str:
        """The registrar's identity of the transaction: registrar, AMC (fund) and transaction number."""
        return f"{self.registrar}:{self.amc}:{self.txn_no}"


@dataclass(frozen=True)
class BalanceRecord:
    row_number: int
    registrar: str
    folio: str
    scheme_code: str
    scheme_name: str
    isin: str
    units: Decimal
    nav: Decimal | None
    value: Decimal | None
    as_of: date | None


@dataclass(frozen=True)
class InvestorRecord:
    row_number: int
    registrar: str
    folio: str
    scheme_code: str
    investor_name: str
    pan: str


class _Row:
    def __init__(self, layout: Layout, index: dict[str, int], values: list[object]):
        self.layout, self.index, self.values = layout, index, values

    def raw(self, name: str) -> object:
        for column in self.layout.fields.get(name, ()):
            position = self.index.get(column)
            if position is not None and self.values[position] not in (None, ""):
                return self.values[position]
        return None

    def text(self, name: str) -> str:
        return to_text(self.raw(name))


def records_from_table(*, table: Table, layout: Layout) -> list[TxnRecord] | list[BalanceRecord] | list[InvestorRecord]:
    index = {name.strip().lower(): position for position, name in enumerate(table.header)}
    build = {Kind.TRANSACTIONS: _txn, Kind.AUM: _balance, Kind.INVESTORS: _investor}[layout.kind]
    records = []
    for number, values in enumerate(table.rows, start=2):
        row = _Row(layout, index, values)
        try:
            records.append(build(row, number))
        except (ValueError, InvalidOperation, TypeError) as exc:
            raise FeedRefused(f"Row {number}: {exc}", code="unreadable") from exc
    if not records:
        raise FeedRefused("The feed has a header and no rows.", code="empty")
    return records


def _kind(row: _Row) -> str:
    code = row.text("txn_type").upper()
    nature = row.text("nature").upper()
    if row.layout.registrar == "cams":
        kind = CAMS_TYPES.get(code[:2], CAMS_TYPES.get(code[:1], "other"))
    else:
        kind = KFINTECH_TYPES.get(code, "")
        if not kind:
            kind = {"P": "purchase", "R": "redemption"}.get(row.text("purred").upper(), "other")
    if kind == "purchase" and ("SIP" in nature or "SYSTEMATIC" in nature):
        kind = "sip"
    return kind


def _required(row: _Row, name: str) -> str:
    value = row.text(name)
    if not value:
        raise ValueError(f"{name.replace('_', ' ')} is empty")
    return value


def _txn(row: _Row, number: int) -> TxnRecord:
    units, amount = to_decimal(row.raw("units")) or Decimal(0), to_decimal(row.raw("amount")) or Decimal(0)
    trade_date = to_date(row.raw("trade_date"))
    if trade_date is None:
        raise ValueError("trade date is empty")
    status = row.text("txn_status").upper()
    original = row.text("original_txn_no")
    reversal = (
        bool(row.text("reversal_code"))
        or status in REJECTED_STATUSES
        or (row.layout.registrar == "kfintech" and bool(original))
    )
    return TxnRecord(
        row_number=number, registrar=row.layout.registrar, amc=_required(row, "amc"), folio=_required(row, "folio"),
        scheme_code=(row.text("scheme_code") + row.text("plan_code")), scheme_name=row.text("scheme_name"),
        isin=row.text("isin").upper(), investor_name=row.text("investor_name"), pan=row.text("pan").upper(),
        kind=_kind(row), txn_type=row.text("txn_type"), txn_no=_required(row, "txn_no"),
        user_txn_no=row.text("user_txn_no"), application_no=row.text("application_no"), trade_date=trade_date,
        units=abs(units).quantize(UNITS_Q), amount=abs(amount).quantize(MONEY_Q), nav=to_decimal(row.raw("nav")),
        broker_code=row.text("broker_code").upper(), euin=row.text("euin").upper(),
        brokerage=(to_decimal(row.raw("brokerage")) or Decimal(0)).quantize(MONEY_Q),
        brokerage_percent=to_decimal(row.raw("brokerage_percent")), reversal=reversal, original_txn_no=original,
        exchange_flag=row.text("exchange_flag"),
    )  # fmt: skip


def _balance(row: _Row, number: int) -> BalanceRecord:
    units = to_decimal(row.raw("units"))
    if units is None:
        raise ValueError("units are empty")
    return BalanceRecord(
        row_number=number, registrar=row.layout.registrar, folio=_required(row, "folio"),
        scheme_code=_required(row, "scheme_code"), scheme_name=row.text("scheme_name"), isin=row.text("isin").upper(),
        units=units.quantize(UNITS_Q), nav=to_decimal(row.raw("nav")), value=to_decimal(row.raw("value")),
        as_of=to_date(row.raw("as_of")),
    )  # fmt: skip


def _investor(row: _Row, number: int) -> InvestorRecord:
    return InvestorRecord(
        row_number=number, registrar=row.layout.registrar, folio=_required(row, "folio"),
        scheme_code=row.text("scheme_code"), investor_name=row.text("investor_name"), pan=row.text("pan").upper(),
    )  # fmt: skip
