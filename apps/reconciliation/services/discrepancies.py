"""Operations staff work the discrepancies: accept the suggested fix (applied where it changes data) or
override it with a reason. Both are audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.portfolio.models import Folio, TransactionSource
from apps.portfolio.services import transaction_delete, transaction_record
from apps.reconciliation.models import Discrepancy, FolioLink, RegistrarTransaction

Fix, Status = Discrepancy.Fix, Discrepancy.Status


def _open(discrepancy: Discrepancy) -> Discrepancy:
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if locked.status != Status.OPEN:
        raise ConflictError("This discrepancy is settled already.", code="discrepancy_settled")
    return locked


def _investor_id(row: RegistrarTransaction) -> int | None:
    if row.investor_id:
        return row.investor_id
    link = FolioLink.objects.filter(folio=row.folio).values_list("investor_id", flat=True).first()
    return link or Folio.objects.filter(folio_number=row.folio).values_list("investor_id", flat=True).first()


def _record_registrar_line(row: RegistrarTransaction, *, actor) -> None:
    investor_id = _investor_id(row)
    if investor_id is None:
        raise ApplicationError(
            "The folio belongs to none of our investors yet: import the registrar's investor master "
            "(WBR9 / MFSD211) or the investor's CAS first.",
            code="folio_unlinked",
        )
    if row.scheme_id is None:
        raise ApplicationError("The registrar's scheme maps to none of ours.", code="scheme_unmapped")
    sign = -1 if row.kind in ("redemption", "switch_out") else 1
    line = transaction_record(
        investor=Investor.objects.get(pk=investor_id), scheme=row.scheme,
        folio_number=row.folio, kind=row.kind if row.kind != "other" else "purchase", trade_date=row.trade_date,
        amount=sign * row.amount, units=sign * row.units, nav=row.nav, source=TransactionSource.RTA,
        source_ref=row.key, description=f"{row.get_registrar_display()} {row.txn_no} (accepted)", actor=actor,
    )  # fmt: skip
    RegistrarTransaction.objects.filter(pk=row.pk).update(ledger=line, investor_id=investor_id, outcome="outside")


def _apply(discrepancy: Discrepancy, *, actor) -> None:
    row = discrepancy.registrar_txn
    fix = discrepancy.suggested_fix
    if fix == Fix.ADJUST_TO_REGISTRAR and row is not None and row.ledger_id:
        transaction_delete(line=row.ledger, actor=actor, reason=f"replaced by the registrar's {row.txn_no}")
        _record_registrar_line(row, actor=actor)
    elif fix in (Fix.RECORD_FROM_REGISTRAR, Fix.LINK_INVESTOR) and row is not None and row.ledger_id is None:
        _record_registrar_line(row, actor=actor)
    # QUERY_REGISTRAR, REVIEW_LEDGER, REVERSE_ORDER: the person did it; accepting records that


def discrepancy_accept(*, discrepancy: Discrepancy, actor) -> Discrepancy:
    with transaction.atomic():
        item = _open(discrepancy)
        _apply(item, actor=actor)
        item.status, item.resolved_by, item.resolved_at = Status.ACCEPTED, actor, timezone.now()
        item.resolution = f"Accepted: {item.get_suggested_fix_display()}"
        item.save(update_fields=["status", "resolved_by", "resolved_at", "resolution", "updated_at"])
        audit_record(action="reconciliation.discrepancy.accepted", actor=actor, target=item,
                     extra={"cause": item.cause, "fix": item.suggested_fix})  # fmt: skip
    return item


def discrepancy_override(*, discrepancy: Discrepancy, actor, reason: str) -> Discrepancy:
    reason = reason.strip()
    if len(reason) < 5:
        raise ApplicationError("Give the reason for overriding (at least a few words).", code="reason_required",
                               extra={"field": "reason"})  # fmt: skip
    with transaction.atomic():
        item = _open(discrepancy)
        item.status, item.resolved_by, item.resolved_at = Status.OVERRIDDEN, actor, timezone.now()
        item.resolution = reason[:500]
        item.save(update_fields=["status", "resolved_by", "resolved_at", "resolution", "updated_at"])
        audit_record(action="reconciliation.discrepancy.overridden", actor=actor, target=item,
                     extra={"cause": item.cause, "reason": reason[:300]})  # fmt: skip
    return item
