"""End of day per distributor: read the drop folder's feeds, flag orders the registrar has not confirmed
within the grace period, and e-mail operations staff a summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import StaffMember, StaffRole
from apps.core.audit import audit_record
from apps.funds.market_calendar import trading_days_from
from apps.orders.models import Order, OrderStatus
from apps.reconciliation.models import Discrepancy, ReconciliationSettings, RegistrarTransaction, RtaFeed
from apps.reconciliation.services.dropfolder import DropFolderResult, drop_folder_scan

AWAITING = (OrderStatus.ACCEPTED, OrderStatus.PAYMENT_PENDING, OrderStatus.SUCCESSFUL)


def settings_get() -> ReconciliationSettings:
    found = ReconciliationSettings.objects.filter(singleton=True).first()
    return found or ReconciliationSettings.objects.get_or_create(singleton=True)[0]


def business_days_before(day: date, count: int) -> date:
    """The date `count` trading days before `day`."""
    return trading_days_from(day, -count)


@dataclass
class EodResult:
    day: date
    drop_folder: DropFolderResult
    unconfirmed: int = 0
    open_by_cause: dict[str, int] = field(default_factory=dict)
    mailed_to: int = 0


def orders_flag_unconfirmed(*, today: date) -> int:
    """Orders past their expected NAV date plus the grace days with no registrar row confirming them."""
    limit = business_days_before(today, settings_get().confirmation_grace_days)
    confirmed = RegistrarTransaction.objects.filter(order__isnull=False).values("order_id")
    orders = Order.objects.filter(status__in=AWAITING, expected_nav_date__lt=limit).exclude(pk__in=confirmed)
    flagged = 0
    for order in orders.select_related("scheme"):
        _, created = Discrepancy.objects.get_or_create(
            fingerprint=f"missing_at_registrar:{order.client_ref}",
            defaults={"cause": Discrepancy.Cause.MISSING_AT_REGISTRAR, "suggested_fix": Discrepancy.Fix.QUERY_REGISTRAR,
                      "order": order, "investor_id": order.investor_id, "folio": order.folio_number,
                      "scheme": order.scheme, "ours": order.allotted_units,
                      "detail": f"Order {order.client_ref} ({order.get_status_display()}) expected on "
                      f"{order.expected_nav_date:%d %b %Y} has no registrar confirmation yet."},
        )  # fmt: skip
        flagged += int(created)
    return flagged


def eod_run(*, today: date | None = None) -> EodResult:
    today = today or timezone.localdate()
    result = EodResult(day=today, drop_folder=drop_folder_scan())
    with transaction.atomic():
        result.unconfirmed = orders_flag_unconfirmed(today=today)
        open_items = Discrepancy.objects.filter(status=Discrepancy.Status.OPEN).values_list("cause", flat=True)
        result.open_by_cause = dict(Counter(open_items))
        audit_record(action="reconciliation.eod", actor_label="beat",
                     extra={"day": today.isoformat(), "unconfirmed": result.unconfirmed,
                            "imported": len(result.drop_folder.imported), "refused": len(result.drop_folder.refused),
                            "open": result.open_by_cause})  # fmt: skip
    result.mailed_to = _summary_mail(result)
    return result


def _summary_mail(result: EodResult) -> int:
    recipients = list(
        StaffMember.objects.filter(role__in=(StaffRole.OPERATIONS, StaffRole.OWNER), is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "") or "Distributor"
    feeds = RtaFeed.objects.filter(created_at__date=result.day)
    lines = [
        f"{name}: reconciliation for {result.day:%d %b %Y}",
        "",
        f"Feeds imported today: {feeds.count()} ({sum(f.rows for f in feeds)} rows)",
        f"Files refused from the drop folder: {len(result.drop_folder.refused)}",
        *[f"  - {item}" for item in result.drop_folder.refused],
        f"Orders newly flagged as unconfirmed by the registrar: {result.unconfirmed}",
        "Open discrepancies:" if result.open_by_cause else "No open discrepancies.",
        *[f"  - {Discrepancy.Cause(cause).label}: {count}" for cause, count in sorted(result.open_by_cause.items())],
    ]
    send_mail(f"{name}: end-of-day reconciliation {result.day:%d %b %Y}", "\n".join(lines),
              settings.DEFAULT_FROM_EMAIL, recipients)  # fmt: skip
    return len(recipients)
