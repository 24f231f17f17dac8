"""Reconciliation, the registrar being the source of truth.

Transactions: every row of a feed is matched to our order (exchange order number, user transaction
number or application number against the order's exchange order id, our reference or the attempt's
TransNo; else folio, scheme, date and amount) and to its ledger line, set-wise in SQL. Then:
- a row matching its ledger line is `matched`; units or amount that differ are discrepancies. This is
  reconciliation by exception: only rows that differ or need action are written, so a feed that agrees
  with the ledger costs one read of its rows, not a rewrite of each;
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
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core.bulk import bulk_insert_copy
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


_ROWS = "reconciliation_registrartransaction"


def _orders_match(ids: list[int]) -> None:
    """Link these rows to our orders: by an identifier, else by folio, scheme, NAV date and amount."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT bool_or(user_txn_no <> ''), bool_or(application_no <> '') FROM {_ROWS} WHERE id = ANY(%s)",  # noqa: S608
            [ids],
        )
        present = dict(zip(("user_txn_no", "application_no"), cursor.fetchone(), strict=True))
        for row_col, order_col in _ORDER_KEYS:
            if not present[row_col]:  # a statement per empty column is waste
                continue
            cursor.execute(
                f"""UPDATE {_ROWS} r SET order_id = o.id
                FROM orders_order o
                WHERE r.id = ANY(%s) AND r.order_id IS NULL AND r.{row_col} <> ''
                  AND o.{order_col} = r.{row_col} AND o.kind = {_ORDER_KIND}""",  # noqa: S608 - fixed names
                [ids],
            )
        cursor.execute(
            f"""UPDATE {_ROWS} r SET order_id = o.id
            FROM orders_order o
            WHERE r.id = ANY(%s) AND r.order_id IS NULL AND NOT r.is_reversal AND r.scheme_id IS NOT NULL
              AND o.folio_number = r.folio AND o.scheme_id = r.scheme_id AND o.kind = {_ORDER_KIND}
              AND COALESCE(o.nav_date, o.expected_nav_date) = r.trade_date
              AND COALESCE(o.allotted_amount, o.amount) = r.amount""",  # noqa: S608
            [ids],
        )


_SWITCH_SUFFIX = "CASE r.kind WHEN 'switch_out' THEN ':out' WHEN 'switch_in' THEN ':in' ELSE '' END"
# a row's ledger line: our order's line when the row is linked to our order, else a line recorded from the
# registrar under the row's identity
_LINE_SOURCE = "CASE WHEN r.order_id IS NULL THEN 'rta' ELSE 'order' END"
_ORDER_REF = "(SELECT o.client_ref FROM orders_order o WHERE o.id = r.order_id)"
_REGISTRAR_REF = "r.registrar || ':' || r.amc || ':' || r.txn_no"
_LINE_REF = f"CASE WHEN r.order_id IS NULL THEN {_REGISTRAR_REF} ELSE {_ORDER_REF} || {_SWITCH_SUFFIX} END"
AGREES, DIFFERS, UNMATCHED, REVERSAL, AGREES_AGAIN = range(5)

# The rows still to judge (no outcome yet, or differing last time), each beside its ledger line and whether
# they agree: one read of the rows, returning how many agree and only the few that need anything done.
_JUDGE = f"""
SELECT count(*) FILTER (WHERE verdict IN ({AGREES}, {AGREES_AGAIN})),
       array_agg(id) FILTER (WHERE verdict <> {AGREES}),
       array_agg(ledger_id) FILTER (WHERE verdict <> {AGREES}),
       array_agg(verdict) FILTER (WHERE verdict <> {AGREES})
FROM (
    SELECT r.id, t.id AS ledger_id,
           CASE WHEN r.is_reversal THEN {REVERSAL}
                WHEN t.id IS NULL THEN {UNMATCHED}
                WHEN abs(t.units) <> r.units OR abs(t.amount) <> r.amount THEN {DIFFERS}
                WHEN r.outcome = 'differs' THEN {AGREES_AGAIN}
                ELSE {AGREES} END AS verdict
    FROM (SELECT r.*, {_LINE_SOURCE} AS line_source, {_LINE_REF} AS line_ref
          FROM {_ROWS} r WHERE {{rows}} AND r.outcome IN ('', 'differs')) r
    LEFT JOIN portfolio_transaction t
           ON NOT r.is_reversal AND t.source = r.line_source AND t.source_ref = r.line_ref
) judged"""  # noqa: S608 - fixed names


@dataclass
class _Judgement:
    agreeing: int = 0
    differing: list[int] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)
    reversals: list[int] = field(default_factory=list)


def _judge(*, feed_id: int | None = None, ids: list[int] | None = None) -> _Judgement:
    """Judge a feed's rows (or these rows) against the ledger and write only what changed: rows newly
    differing, with their line, and rows agreeing again. An agreeing row is not written (reconciliation
    by exception)."""
    rows, param = ("r.feed_id = %s", feed_id) if ids is None else ("r.id = ANY(%s)", ids)
    with connection.cursor() as cursor:
        cursor.execute(_JUDGE.format(rows=rows), [param])
        agreeing, row_ids, lines, verdicts = cursor.fetchone()
        found = _Judgement(agreeing=agreeing)
        differing, again = [], []
        for row_id, line, verdict in zip(row_ids or [], lines or [], verdicts or [], strict=True):
            if verdict == DIFFERS:
                differing.append((row_id, line))
            elif verdict == AGREES_AGAIN:
                again.append(row_id)
            else:
                (found.unmatched if verdict == UNMATCHED else found.reversals).append(row_id)
        if differing:
            found.differing = [row_id for row_id, _ in differing]
            cursor.execute(
                f"""UPDATE {_ROWS} r SET outcome = 'differs', ledger_id = v.line
                FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, line)
                WHERE r.id = v.id AND (r.outcome <> 'differs' OR r.ledger_id IS DISTINCT FROM v.line)""",  # noqa: S608
                [found.differing, [line for _, line in differing]],
            )
        if again:
            cursor.execute(f"UPDATE {_ROWS} SET outcome = '' WHERE id = ANY(%s)", [again])  # noqa: S608
    return found


def _by_ids(ids: list[int]):
    """Rows by id, as one array parameter (a feed can leave any number unmatched)."""
    return RegistrarTransaction.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))


def transactions_reconcile(*, feed: RtaFeed) -> ReconcileResult:
    judged = _judge(feed_id=feed.pk)
    # rows the ledger does not know yet (and reversals) are placed on our orders, then judged again
    if judged.unmatched or judged.reversals:
        _orders_match(judged.unmatched + judged.reversals)
    if judged.unmatched:
        again = _judge(ids=judged.unmatched)
        judged.agreeing += again.agreeing
        judged.differing += again.differing
        judged.unmatched = again.unmatched
    result = ReconcileResult()
    related = ("ledger", "order", "scheme")
    if judged.differing:
        result.discrepancies += _differences_bulk(_by_ids(judged.differing).select_related(*related))
    if judged.unmatched:
        pending = _by_ids(judged.unmatched).select_related(*related)
        placeable = Q(order__status__in=(OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING)) | Q(
            order__isnull=True, investor__isnull=False, scheme__isnull=False, kind__in=LEDGER_KINDS
        )
        unplaceable = list(pending.exclude(placeable))  # before placing changes the orders' states
        for row in pending.filter(placeable).order_by("trade_date", "id"):
            _unmatched(row, result)
        result.discrepancies += _unresolved_bulk(unplaceable)
    if judged.reversals:
        for row in _by_ids(judged.reversals).select_related(*related).order_by("trade_date", "id"):
            _reversal(row, result)
    result.discrepancies += _missing_at_registrar(feed)
    # every exception is written (an index range over the feed's non-blank outcomes); agreeing rows are counted
    exceptions = RegistrarTransaction.objects.filter(feed=feed, outcome__gt=Outcome.NONE)
    counts = dict(exceptions.values_list("outcome").annotate(n=Count("id")).order_by())
    result.outcomes = {**({Outcome.MATCHED.value: judged.agreeing} if judged.agreeing else {}), **counts}
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
        found.append(Discrepancy(
            fingerprint=f"units:{row.key}", cause=Cause.UNITS_DIFFER, suggested_fix=Fix.ADJUST_TO_REGISTRAR,
            ours=abs(line.units), theirs=row.units, **_about(row),
            detail=f"Our ledger has {abs(line.units)} units, the registrar {row.units}.",
        ))  # fmt: skip
    if abs(line.amount) != row.amount:
        found.append(Discrepancy(
            fingerprint=f"amount:{row.key}", cause=Cause.AMOUNT_DIFFERS, suggested_fix=Fix.ADJUST_TO_REGISTRAR,
            ours=abs(line.amount), theirs=row.amount, **_about(row),
            detail=f"Our ledger has {abs(line.amount)}, the registrar {row.amount}.",
        ))  # fmt: skip
    return found


def _differences_bulk(rows) -> list[Discrepancy]:
    """The units and amounts that differ from our ledger lines: one discrepancy each, written in bulk."""
    return _discrepancies_bulk([item for row in rows for item in _differences(row)])


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
    _by_ids([r.pk for r in rows]).update(outcome=Outcome.UNRESOLVED)
    items = [
        Discrepancy(
            fingerprint=f"missing_in_ledger:{row.key}",
            cause=Cause.MISSING_IN_LEDGER,
            suggested_fix=_fix_for_unplaced(row),
            theirs=row.units,
            detail=_why_unplaced(row)[:500],
            **_about(row),
        )  # fmt: skip
        for row in rows
    ]
    return _discrepancies_bulk(items)


def _discrepancies_bulk(items: list[Discrepancy]) -> list[Discrepancy]:
    """Write new discrepancies (one already open for the same fingerprint stays as it is) and return them
    as stored."""
    for item in items:
        item.fingerprint = item.fingerprint[:160]
    bulk_insert_copy(items)
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
    elif order is None and original is not None and (line := _ledger_line(original)) is not None:
        ledger_line_reverse(line=line, source_ref=row.key, trade_date=row.trade_date)
        applied = True
    else:
        applied = order is not None and order.status == OrderStatus.REVERSED
    _set_outcome(row, Outcome.REVERSED if applied else Outcome.UNRESOLVED, order=order)
    result.discrepancies.append(_discrepancy(
        fingerprint=f"reversed:{row.key}", cause=Cause.REVERSED, status=Status.CORRECTED if applied else Status.OPEN,
        suggested_fix=Fix.REVERSE_ORDER if order else Fix.REVIEW_LEDGER, theirs=row.units,
        **_about(row), detail=reason + ("; applied here." if applied else "; the original is not in our records."),
    ))  # fmt: skip


def _ledger_line(row: RegistrarTransaction) -> Transaction | None:
    """The row's ledger line: written on the row when it is an exception; a matched row's is found again
    under the row's identity."""
    if row.ledger_id:
        return row.ledger
    return Transaction.objects.filter(source=TransactionSource.RTA, source_ref=row.key).first()


def _missing_at_registrar(feed: RtaFeed) -> list[Discrepancy]:
    """Our successful orders in this feed's folios and period that no registrar row confirms."""
    confirmed = RegistrarTransaction.objects.filter(order__isnull=False).values("order_id")
    in_feed = RegistrarTransaction.objects.filter(feed=feed, folio=OuterRef("folio_number"))  # (feed, folio) index
    orders = (
        Order.objects.filter(
            status=OrderStatus.SUCCESSFUL, nav_date__gte=feed.period_from, nav_date__lte=feed.period_to
        )
        .exclude(pk__in=confirmed)
        .filter(Exists(in_feed))
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
