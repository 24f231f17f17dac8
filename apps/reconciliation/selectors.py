"""Reads for reconciliation: discrepancies for the console, commission by month, AMC, scheme and EUIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from apps.accounts.models import StaffMember
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.exceptions import NotFoundError
from apps.portfolio.models import Holding
from apps.reconciliation.models import Discrepancy, RegistrarTransaction, RtaFeed


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


def access_discrepancy_by_id(*, staff: StaffMember, public_id) -> Discrepancy:
    """The current distributor's discrepancy, for staff who operate orders: 404 otherwise."""
    if not role_has_capability(staff.role, Capability.ORDERS_OPERATE):
        raise NotFoundError("No such discrepancy.", code="not_found")
    found = discrepancy_list().filter(public_id=public_id).first()
    if found is None:
        raise NotFoundError("No such discrepancy.", code="not_found")
    return found


def feed_list() -> QuerySet[RtaFeed]:
    return RtaFeed.objects.select_related("imported_by")


# --- commission -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionRow:
    month: date
    amc: str
    scheme: str
    euin: str
    transactions: int
    amount: Decimal
    brokerage: Decimal


@dataclass(frozen=True)
class TrailEstimate:
    amc: str
    scheme: str
    euin: str
    aum: Decimal
    monthly_estimate: Decimal


def commission_by_month(*, date_from: date, date_to: date, euin: str = "") -> list[CommissionRow]:
    """Brokerage the registrars report in their transaction feeds, by month, AMC, scheme and EUIN."""
    qs = RegistrarTransaction.objects.filter(trade_date__range=(date_from, date_to), is_reversal=False)
    if euin:
        qs = qs.filter(euin=euin)
    rows = (
        qs.annotate(month=TruncMonth("trade_date"))
        .values("month", "amc", "scheme__amc__name", "scheme__name", "scheme_name", "euin")
        .annotate(transactions=Count("id"), amount=Sum("amount"), brokerage=Sum("brokerage"))
        .order_by("-month", "scheme__amc__name", "amc", "scheme_name", "euin")
    )
    return [
        CommissionRow(
            month=row["month"],
            amc=row["scheme__amc__name"] or row["amc"],
            scheme=row["scheme__name"] or row["scheme_name"],
            euin=row["euin"] or "(none)",
            transactions=row["transactions"],
            amount=row["amount"] or Decimal(0),
            brokerage=row["brokerage"] or Decimal(0),
        )  # fmt: skip
        for row in rows
    ]


def trail_estimates(*, month: date, rate_percent: Decimal) -> list[TrailEstimate]:
    """A month's trail on current AUM, for the schemes whose feeds carry no brokerage that month: AUM x
    the yearly rate / 12, by AMC, scheme and the EUIN of the investor's relationship manager."""
    paid = (
        RegistrarTransaction.objects.filter(trade_date__year=month.year, trade_date__month=month.month, brokerage__gt=0)
        .exclude(scheme__isnull=True)
        .values("scheme_id")
    )
    rows = (
        Holding.objects.filter(value__gt=0, scheme__isnull=False)
        .exclude(scheme_id__in=paid)
        .values("scheme__amc__name", "scheme__name", "investor__relationship_manager__euin")
        .annotate(aum=Sum("value"))
        .order_by("scheme__amc__name", "scheme__name")
    )
    monthly = rate_percent / Decimal(100) / Decimal(12)
    return [
        TrailEstimate(
            amc=row["scheme__amc__name"] or "",
            scheme=row["scheme__name"],
            euin=row["investor__relationship_manager__euin"] or "(none)",
            aum=row["aum"],
            monthly_estimate=(row["aum"] * monthly).quantize(Decimal("0.01")),
        )  # fmt: skip
        for row in rows
    ]
