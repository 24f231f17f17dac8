"""Reads for reconciliation: discrepancies for the console, commission by month, AMC, scheme and EUIN."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.exceptions import NotFoundError
from apps.reconciliation.models import Discrepancy, RtaFeed


def discrepancy_as_dict(item: Discrepancy) -> dict:
    return {
        "id": str(item.public_id), "cause": item.cause, "status": item.status, "suggested_fix": item.suggested_fix,
        "folio": item.folio, "ours": item.ours, "theirs": item.theirs, "detail": item.detail,
        "registrar_txn": item.registrar_txn.key if item.registrar_txn_id else None,
        "order": item.order.client_ref if item.order_id else None,
    }  # fmt: skip


def discrepancy_list(*, status: str = "", cause: str = "") -> QuerySet[Discrepancy]:
    qs = Discrepancy.objects.select_related("scheme", "order", "registrar_txn", "investor", "feed", "resolved_by")
    if status:
        qs = qs.filter(status=status)
    if cause:
        qs = qs.filter(cause=cause)
    return qs


def access_discrepancy_by_id(*, public_id) -> Discrepancy:
    """The current distributor's discrepancy (staff permission is checked by the view): 404 otherwise."""
    found = discrepancy_list().filter(public_id=public_id).first()
    if found is None:
        raise NotFoundError("No such discrepancy.", code="not_found")
    return found


def feed_list() -> QuerySet[RtaFeed]:
    return RtaFeed.objects.select_related("imported_by")
