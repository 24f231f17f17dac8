"""Reconciliation, the registrar being the source of truth.

Transactions: every row of a feed is matched to our order (exchange order number, user transaction
number or application number against the order's exchange order id, our reference or the attempt's
TransNo; else folio, scheme, date and amount) and to its ledger line, set-wise in SQL. Then:
- a row matching its ledger line is `matched`; units or amount that differ are discrepancies;
- an allotment we lack completes the order and the ledger (`completed`);
- a reversal (reversal code, rejected status, a pointer to the original) reverses the order and writes
  compensating ledger lines (`reversed`);
- a transaction made outside the platform enters the ledger marked as from the registrar (`outside`);
- our successful orders in the feed's folios and period that the registrar lacks are discrepancies.
AUM: registrar balances per folio and scheme against our holdings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.orders.gateways.interface import AllotmentRecord
from apps.orders.models import Order, OrderStatus
from apps.orders.services.orders import order_record_allotment
from apps.orders.services.reversals import ledger_line_reverse, order_record_reversal
from apps.portfolio.models import Holding, Transaction, TransactionSource
from apps.portfolio.services import transaction_record
from apps.reconciliation.models import Discrepancy, Outcome, RegistrarBalance, RegistrarTransaction, RtaFeed

Cause, Fix, Status = Discrepancy.Cause, Discrepancy.Fix, Discrepancy.Status
LEDGER_KINDS = {"purchase", "sip", "redemption", "switch_in", "switch_out", "dividend_reinvest", "dividend_payout"}
UNITS_OUT = {"redemption", "switch_out"}


@dataclass
class ReconcileResult:
    outcomes: dict[str, int] = field(default_factory=dict)
    discrepancies: list[Discrepancy] = field(default_factory=list)


# --- transactions ---------------------------------------------------------------------------------------

# identifiers of a row that may name our order, and the order columns they may equal
_ORDER_KEYS = [
    (row_col, order_col)
    for row_col in ("user_txn_no", "application_no")
    for order_col in ("exchange_order_id", "client_ref", "exchange_ref")
]
_ORDER_KIND = "CASE WHEN r.kind IN ('purchase', 'sip') THEN 'purchase' WHEN r.kind = 'redemption' THEN 'redemption' "
_ORDER_KIND += "WHEN r.kind IN ('switch_in', 'switch_out') THEN 'switch' END"


def _identifier_columns(feed_id: int) -> set[str]:
    """The identifier columns that hold anything in this feed (a statement per empty column is waste)."""
    present = RegistrarTransaction.objects.filter(feed_id=feed_id).aggregate(
        user_txn_no=Count("id", filter=~Q(user_txn_no="")), application_no=Count("id", filter=~Q(application_no=""))
    )
    return {column for column, count in present.items() if count}


def _orders_match(feed_id: int) -> None:
    present = _identifier_columns(feed_id)
    with connection.cursor() as cursor:
        for row_col, order_col in _ORDER_KEYS:
            if row_col not in present:
                continue
            cursor.execute(
                f"""UPDATE reconciliation_registrartransaction r SET order_id = o.id
                FROM orders_order o
                WHERE r.feed_id = %s AND r.order_id IS NULL AND r.{row_col} <> ''
                  AND o.{order_col} = r.{row_col} AND o.kind = {_ORDER_KIND}""",  # noqa: S608 - fixed names
                [feed_id],
            )
        # else: folio, scheme, NAV date and amount
        cursor.execute(
            f"""UPDATE reconciliation_registrartransaction r SET order_id = o.id
            FROM orders_order o
            WHERE r.feed_id = %s AND r.order_id IS NULL AND NOT r.is_reversal AND r.scheme_id IS NOT NULL
              AND o.folio_number = r.folio AND o.scheme_id = r.scheme_id AND o.kind = {_ORDER_KIND}
              AND COALESCE(o.nav_date, o.expected_nav_date) = r.trade_date
              AND COALESCE(o.allotted_amount, o.amount) = r.amount""",  # noqa: S608
            [feed_id],
        )


_AGREES = "CASE WHEN abs(t.units) = r.units AND abs(t.amount) = r.amount THEN 'matched' ELSE 'differs' END"


def _ledger_match(feed_id: int) -> None:
    """Each row's ledger line and whether it agrees, in one write per row."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE reconciliation_registrartransaction r SET ledger_id = t.id, outcome = {_AGREES}
            FROM orders_order o, portfolio_transaction t
            WHERE r.feed_id = %s AND r.ledger_id IS NULL AND NOT r.is_reversal AND r.order_id = o.id
              AND t.source = 'order'
              AND t.source_ref = o.client_ref || CASE r.kind WHEN 'switch_out' THEN ':out'
                                                            WHEN 'switch_in' THEN ':in' ELSE '' END""",  # noqa: S608
            [feed_id],
        )
        cursor.execute(
            f"""UPDATE reconciliation_registrartransaction r SET ledger_id = t.id, outcome = {_AGREES}
            FROM portfolio_transaction t
            WHERE r.feed_id = %s AND r.ledger_id IS NULL AND NOT r.is_reversal
              AND t.source = 'rta' AND t.source_ref = r.registrar || ':' || r.amc || ':' || r.txn_no""",  # noqa: S608
            [feed_id],
        )


def transactions_reconcile(*, feed: RtaFeed) -> ReconcileResult:
    _orders_match(feed.pk)
    _ledger_match(feed.pk)
    result = ReconcileResult()
    rows = RegistrarTransaction.objects.filter(feed=feed).select_related("ledger", "order", "scheme")
    for row in rows.filter(outcome=Outcome.DIFFERS):
        result.discrepancies += _differences(row)
    pending = rows.filter(outcome=Outcome.PENDING, is_reversal=False)
    placeable = Q(order__status__in=(OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING)) | Q(
        order__isnull=True, investor__isnull=False, scheme__isnull=False, kind__in=LEDGER_KINDS
    )
    for row in pending.filter(placeable).order_by("trade_date", "id"):
        _unmatched(row, result)
    result.discrepancies += _unresolved_bulk(pending.exclude(placeable))
    for row in rows.filter(outcome=Outcome.PENDING, is_reversal=True).order_by("trade_date", "id"):
        _reversal(row, result)
    result.discrepancies += _missing_at_registrar(feed)
    result.outcomes = dict(
        RegistrarTransaction.objects.filter(feed=feed).values_list("outcome").annotate(n=Count("id")).order_by()
    )
    feed.outcomes = {**result.outcomes, "discrepancies": len(result.discrepancies)}
    feed.reconciled_at = feed.updated_at = timezone.now()
    feed.save(update_fields=["outcomes", "reconciled_at", "updated_at"])
    return result


def _discrepancy(*, fingerprint: str, **fields) -> Discrepancy:
    found, _ = Discrepancy.objects.get_or_create(fingerprint=fingerprint[:160], defaults=fields)
    return found


def _about(row: RegistrarTransaction) -> dict:
    return {"feed_id": row.feed_id, "registrar_txn_id": row.pk, "order_id": row.order_id,
            "investor_id": row.investor_id, "folio": row.folio, "scheme_id": row.scheme_id}  # fmt: skip


def _differences(row: RegistrarTransaction) -> list[Discrepancy]:
    line, found = row.ledger, []
    if abs(line.units) != row.units:
        found.append(_discrepancy(
            fingerprint=f"units:{row.key}", cause=Cause.UNITS_DIFFER, suggested_fix=Fix.ADJUST_TO_REGISTRAR,
            ours=abs(line.units), theirs=row.units, **_about(row),
            detail=f"Our ledger has {abs(line.units)} units, the registrar {row.units}.",
        ))  # fmt: skip
    if abs(line.amount) != row.amount:
        found.append(_discrepancy(
            fingerprint=f"amount:{row.key}", cause=Cause.AMOUNT_DIFFERS, suggested_fix=Fix.ADJUST_TO_REGISTRAR,
            ours=abs(line.amount), theirs=row.amount, **_about(row),
            detail=f"Our ledger has {abs(line.amount)}, the registrar {row.amount}.",
        ))  # fmt: skip
    return found


def _set_outcome(row: RegistrarTransaction, outcome: str, **fields) -> None:
    for name, value in fields.items():
        setattr(row, name, value)
    row.outcome = outcome
    RegistrarTransaction.objects.filter(pk=row.pk).update(outcome=outcome, **fields)


def _unmatched(row: RegistrarTransaction, result: ReconcileResult) -> None:
    """A row with no ledger line: complete our order from it, or record a transaction made elsewhere."""
    order = row.order
    if order is not None and order.status in (OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING):
        order = order_record_allotment(order_id=order.pk, record=_allotment(row))
        line = Transaction.objects.filter(source=TransactionSource.ORDER, source_ref__startswith=order.client_ref)
        _set_outcome(row, Outcome.COMPLETED, ledger_id=line.values_list("id", flat=True).first())
        result.discrepancies.append(_discrepancy(
            fingerprint=f"missing_in_ledger:{row.key}", cause=Cause.MISSING_IN_LEDGER, status=Status.CORRECTED,
            suggested_fix=Fix.RECORD_FROM_REGISTRAR, theirs=row.units, **_about(row),
            detail=f"Order {order.client_ref} had no allotment; completed from the registrar's {row.txn_no}.",
        ))  # fmt: skip
        return
    if order is None and row.investor_id and row.scheme_id and row.kind in LEDGER_KINDS:
        line = _record_outside(row)
        _set_outcome(row, Outcome.OUTSIDE, ledger_id=line.pk)
        result.discrepancies.append(_discrepancy(
            fingerprint=f"missing_in_ledger:{row.key}", cause=Cause.MISSING_IN_LEDGER, status=Status.CORRECTED,
            suggested_fix=Fix.RECORD_FROM_REGISTRAR, theirs=row.units, **_about(row),
            detail=f"Made outside the platform ({row.txn_type or row.kind}); added to the ledger from the registrar.",
        ))  # fmt: skip
        return
    _set_outcome(row, Outcome.UNRESOLVED)
    result.discrepancies.append(_discrepancy(
        fingerprint=f"missing_in_ledger:{row.key}", cause=Cause.MISSING_IN_LEDGER,
        suggested_fix=_fix_for_unplaced(row), theirs=row.units, **_about(row), detail=_why_unplaced(row),
    ))  # fmt: skip


def _unresolved_bulk(rows) -> list[Discrepancy]:
    """Rows that cannot be placed (no investor for the folio, an unmapped scheme, our order in a state the
    registrar contradicts): one discrepancy each, written in bulk (a feed of another distributor's
    folios must not cost a query per row)."""
    rows = list(rows)
    if not rows:
        return []
    RegistrarTransaction.objects.filter(pk__in=[r.pk for r in rows]).update(outcome=Outcome.UNRESOLVED)
    items = [
        Discrepancy(
            fingerprint=f"missing_in_ledger:{row.key}"[:160],
            cause=Cause.MISSING_IN_LEDGER,
            suggested_fix=_fix_for_unplaced(row),
            theirs=row.units,
            detail=_why_unplaced(row)[:500],
            **_about(row),
        )  # fmt: skip
        for row in rows
    ]
    Discrepancy.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)
    fingerprints = [item.fingerprint for item in items]
    found: list[Discrepancy] = []
    for start in range(0, len(fingerprints), 2000):  # by the unique index, whatever the planner thinks
        batch = fingerprints[start : start + 2000]
        found += Discrepancy.objects.filter(fingerprint__in=batch).select_related("registrar_txn", "order")
    return found


def _fix_for_unplaced(row: RegistrarTransaction) -> str:
    if row.order is not None:
        return Fix.RECORD_FROM_REGISTRAR
    return Fix.LINK_INVESTOR if not row.investor_id else Fix.REVIEW_LEDGER


def _why_unplaced(row: RegistrarTransaction) -> str:
    if row.order is not None:
        return f"The registrar allotted order {row.order.client_ref}, which is {row.order.get_status_display()} here."
    if not row.investor_id:
        return f"Folio {row.folio} belongs to none of our investors."
    if not row.scheme_id:
        return f"Scheme {row.scheme_code} ({row.scheme_name}) maps to none of ours."
    return f"Transaction type {row.txn_type or row.kind} does not enter the ledger automatically."


def _allotment(row: RegistrarTransaction) -> AllotmentRecord:
    return AllotmentRecord(
        exchange_order_id=row.order.exchange_order_id, reference=row.order.client_ref, client_code="",
        scheme_code=row.scheme_code, folio_number=row.folio, units=row.units, nav=row.nav or Decimal(0),
        amount=row.amount, nav_date=row.trade_date, rta_trans_no=row.txn_no,
        kind=row.kind if row.kind in ("switch_in", "switch_out", "redemption") else "purchase",
    )  # fmt: skip


def _record_outside(row: RegistrarTransaction) -> Transaction:
    sign = -1 if row.kind in UNITS_OUT else 1
    return transaction_record(
        investor=row.investor, scheme=row.scheme, folio_number=row.folio, kind=row.kind,
        trade_date=row.trade_date, amount=sign * row.amount, units=sign * row.units, nav=row.nav,
        source=TransactionSource.RTA, source_ref=row.key,
        description=f"{row.get_registrar_display()} {row.txn_type or row.kind} {row.txn_no}",
    )  # fmt: skip


def _reversal(row: RegistrarTransaction, result: ReconcileResult) -> None:
    """The registrar reversed (or rejected after allotment) a transaction: undo it here too."""
    original = (
        RegistrarTransaction.objects.filter(
            registrar=row.registrar, amc=row.amc, txn_no=row.original_txn_no or row.txn_no, is_reversal=False
        )
        .select_related("order", "ledger")
        .first()
    )
    order = row.order or (original.order if original else None)
    reason = f"Reversed by the registrar ({row.txn_type or 'reversal'} {row.txn_no})"
    if order is not None and order.status == OrderStatus.SUCCESSFUL:
        order_record_reversal(order_id=order.pk, source_ref=row.key, trade_date=row.trade_date, reason=reason)
        applied = True
    elif order is None and original is not None and original.ledger is not None:
        ledger_line_reverse(line=original.ledger, source_ref=row.key, trade_date=row.trade_date)
        applied = True
    else:
        applied = order is not None and order.status == OrderStatus.REVERSED
    _set_outcome(row, Outcome.REVERSED if applied else Outcome.UNRESOLVED, order=order)
    result.discrepancies.append(_discrepancy(
        fingerprint=f"reversed:{row.key}", cause=Cause.REVERSED, status=Status.CORRECTED if applied else Status.OPEN,
        suggested_fix=Fix.REVERSE_ORDER if order else Fix.REVIEW_LEDGER, theirs=row.units,
        **_about(row), detail=reason + ("; applied here." if applied else "; the original is not in our records."),
    ))  # fmt: skip


def _missing_at_registrar(feed: RtaFeed) -> list[Discrepancy]:
    """Our successful orders in this feed's folios and period that no registrar row confirms."""
    folios = RegistrarTransaction.objects.filter(feed=feed).values("folio")
    confirmed = RegistrarTransaction.objects.filter(order__isnull=False).values("order_id")
    orders = (
        Order.objects.filter(status=OrderStatus.SUCCESSFUL, folio_number__in=folios)
        .filter(nav_date__gte=feed.period_from, nav_date__lte=feed.period_to)
        .exclude(pk__in=confirmed)
        .select_related("scheme")
    )
    return [
        _discrepancy(
            fingerprint=f"missing_at_registrar:{order.client_ref}",
            cause=Cause.MISSING_AT_REGISTRAR,
            suggested_fix=Fix.QUERY_REGISTRAR,
            feed=feed,
            order=order,
            investor_id=order.investor_id,
            folio=order.folio_number,
            scheme=order.scheme,
            ours=order.allotted_units,
            detail=f"Order {order.client_ref} ({order.exchange_order_id}) is allotted here; the registrar's feed "
            f"for {feed.period_from:%d %b} to {feed.period_to:%d %b %Y} does not show it.",
        )  # fmt: skip
        for order in orders
    ]


# --- balances -------------------------------------------------------------------------------------------


def balances_reconcile(*, feed: RtaFeed) -> ReconcileResult:
    """Registrar units per folio and scheme against our holdings (summed over the investor's holdings of
    that folio and scheme)."""
    result = ReconcileResult()
    balances = list(RegistrarBalance.objects.filter(feed=feed))
    ours = {
        (folio, scheme_id): units
        for folio, scheme_id, units in Holding.objects.filter(folio__folio_number__in={b.folio for b in balances})
        .values_list("folio__folio_number", "scheme_id")
        .annotate(total=Sum("units"))
        .order_by()
    }
    outcomes: Counter = Counter()
    for balance in balances:
        held = ours.get((balance.folio, balance.scheme_id), Decimal(0)) if balance.scheme_id else None
        if held is not None and held == balance.units:
            outcomes["matched"] += 1
            continue
        outcomes["differs"] += 1
        result.discrepancies.append(_discrepancy(
            fingerprint=f"balance:{balance.registrar}:{balance.folio}:{balance.scheme_code}:{balance.as_of}",
            cause=Cause.BALANCE_DIFFERS, suggested_fix=Fix.REVIEW_LEDGER, feed=feed, balance=balance,
            folio=balance.folio, scheme_id=balance.scheme_id, ours=held, theirs=balance.units,
            detail=(f"The registrar holds {balance.units} units on {balance.as_of:%d %b %Y}; we hold {held}."
                    if held is not None else f"Scheme {balance.scheme_code} maps to none of ours."),
        ))  # fmt: skip
    result.outcomes = dict(outcomes)
    feed.outcomes = {**result.outcomes, "discrepancies": len(result.discrepancies)}
    feed.reconciled_at = timezone.now()
    feed.save(update_fields=["outcomes", "reconciled_at", "updated_at"])
    return result
