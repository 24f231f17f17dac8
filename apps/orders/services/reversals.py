"""The registrar reversed an allotted order (a payment rejected after allotment, a cheque bounce, an
order the AMC rejected): the order becomes `reversed` and each of its ledger lines gets a compensating
line, so the holding returns to what it was. The registrar is the source of truth."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from apps.core.audit import audit_record
from apps.core.exceptions import ConflictError
from apps.orders import states
from apps.orders.models import Order, OrderStatus
from apps.portfolio.models import Transaction, TransactionKind, TransactionSource
from apps.portfolio.services import transaction_record


def order_record_reversal(*, order_id: int, source_ref: str, trade_date: date, reason: str) -> Order:
    """Reverses a successful order from the registrar's reversal `source_ref` (its registrar identity).
    Recording the same reversal twice changes nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("investor", "scheme").get(pk=order_id)
        if order.status == OrderStatus.REVERSED:
            return order
        if order.status != OrderStatus.SUCCESSFUL:
            raise ConflictError("Only an allotted order can be reversed.", code="order_not_reversible")
        order.failure_code, order.failure_reason = "registrar_reversal", reason[:500]
        states.order_transition(
            order=order, to=OrderStatus.REVERSED, actor="registrar", fields=("failure_code", "failure_reason"),
            message=reason[:300], data={"source_ref": source_ref},
        )  # fmt: skip
        refs = [order.client_ref, f"{order.client_ref}:out", f"{order.client_ref}:in"]
        for line in Transaction.objects.filter(source=TransactionSource.ORDER, source_ref__in=refs).select_related(
            "scheme", "folio"
        ):
            ledger_line_reverse(line=line, source_ref=f"{source_ref}:{line.source_ref}", trade_date=trade_date)
        audit_record(action="orders.order.reversed", actor_label="registrar", target=order,
                     extra={"source_ref": source_ref, "reason": reason[:200]})  # fmt: skip
    return order


def ledger_line_reverse(*, line: Transaction, source_ref: str, trade_date: date) -> Transaction:
    """A compensating ledger line for `line` (units and amount negated), marked as from the registrar."""
    return transaction_record(
        investor=line.investor, scheme=line.scheme, folio_number=line.folio.folio_number,
        kind=TransactionKind.REVERSAL, trade_date=trade_date, amount=-line.amount, units=-line.units,
        nav=line.nav, source=TransactionSource.RTA, source_ref=source_ref[:120],
        description=f"Reversal of {line.get_kind_display().lower()} of {line.trade_date:%d %b %Y}",
    )  # fmt: skip
