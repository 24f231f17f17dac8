"""Reads. An investor's orders, SIPs and mandates are reached only through the access_* selectors, which
answer 404 for anyone else's ids."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.accounts.models import Investor
from apps.core.exceptions import NotFoundError
from apps.funds.models import Scheme
from apps.orders.models import (
    GatewayCall,
    Mandate,
    Order,
    OrderEvent,
    OrderKind,
    OrderStatus,
    SipInstalment,
    SipRegistration,
)
from apps.portfolio.selectors import units_free_for_redemption

OPEN_SELL_STATUSES = (
    OrderStatus.PENDING_OTP, OrderStatus.QUEUED, OrderStatus.SUBMITTED, OrderStatus.UNKNOWN, OrderStatus.ACCEPTED,
)  # fmt: skip


def order_list(
    *,
    investor: Investor,
    status: str | None = None,
    kind: str | None = None,
    placed_from: date | None = None,
    placed_to: date | None = None,
) -> QuerySet[Order]:
    qs = Order.objects.filter(investor=investor).select_related("scheme", "to_scheme")
    return order_list_filter(qs, status=status, kind=kind, placed_from=placed_from, placed_to=placed_to)


def order_list_filter(
    qs: QuerySet[Order],
    *,
    status: str | None = None,
    kind: str | None = None,
    placed_from: date | None = None,
    placed_to: date | None = None,
) -> QuerySet[Order]:
    """The order-list filters shared by the investor API and the staff portal; newest first."""
    if status:
        qs = qs.filter(status__in=status.split(","))
    if kind:
        qs = qs.filter(kind=kind)
    if placed_from:
        qs = qs.filter(placed_at__date__gte=placed_from)
    if placed_to:
        qs = qs.filter(placed_at__date__lte=placed_to)
    return qs.order_by("-placed_at", "-id")


def access_order_by_id(*, investor: Investor, public_id) -> Order:
    order = (
        Order.objects.filter(investor=investor, public_id=public_id)
        .select_related("scheme", "to_scheme", "sip")
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")))
        .first()
    )
    if order is None:
        raise NotFoundError("No such order.")
    return order


def sip_list(*, investor: Investor, status: str | None = None) -> QuerySet[SipRegistration]:
    qs = SipRegistration.objects.filter(investor=investor).select_related("scheme", "mandate")
    return qs.filter(status=status) if status else qs


def access_sip_by_id(*, investor: Investor, public_id) -> SipRegistration:
    sip = (
        SipRegistration.objects.filter(investor=investor, public_id=public_id)
        .select_related("scheme", "mandate")
        .prefetch_related(
            Prefetch("instalment_rows", queryset=SipInstalment.objects.select_related("order").order_by("number"))
        )
        .first()
    )
    if sip is None:
        raise NotFoundError("No such SIP.")
    return sip


def mandate_list(*, investor: Investor) -> QuerySet[Mandate]:
    return Mandate.objects.filter(investor=investor).select_related("bank_account")


def access_mandate_by_id(*, investor: Investor, public_id) -> Mandate:
    mandate = Mandate.objects.filter(investor=investor, public_id=public_id).select_related("bank_account").first()
    if mandate is None:
        raise NotFoundError("No such mandate.")
    return mandate


# --- units available for redemptions and switches ----------------------------------------------------


def units_reserved(*, investor: Investor, scheme: Scheme, folio_number: str, exclude_order_id: int | None = None):
    """Units that open redemptions and switches out of this scheme and folio will take (amounts at the
    latest NAV). They are not free for another sale."""
    qs = Order.objects.filter(
        investor=investor, scheme=scheme, folio_number=folio_number,
        kind__in=[OrderKind.REDEMPTION, OrderKind.SWITCH], status__in=OPEN_SELL_STATUSES,
    )  # fmt: skip
    if exclude_order_id:
        qs = qs.exclude(pk=exclude_order_id)
    units = qs.filter(units__isnull=False).aggregate(total=Sum("units"))["total"] or Decimal("0")
    amount = qs.filter(amount__isnull=False).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if amount and scheme.latest_nav:
        units += amount / scheme.latest_nav
    if qs.filter(all_units=True).exists():
        return None  # everything is already being sold
    return units


def free_units_from_portfolio(*, investor: Investor, scheme: Scheme, folio_number: str, as_of: date) -> Decimal:
    """Units held in the portfolio ledger's FIFO lots whose lock-in (e.g. 3 years for ELSS) has ended."""
    return units_free_for_redemption(investor=investor, scheme=scheme, folio_number=folio_number, as_of=as_of)


def free_units(*, investor: Investor, scheme: Scheme, folio_number: str, exclude_order_id: int | None = None):
    """Units the investor may sell now: held and out of lock-in, less what open orders will take."""
    held = import_string(settings.ORDERS_FREE_UNITS_SELECTOR)(
        investor=investor, scheme=scheme, folio_number=folio_number, as_of=timezone.localdate()
    )
    reserved = units_reserved(
        investor=investor, scheme=scheme, folio_number=folio_number, exclude_order_id=exclude_order_id
    )
    if reserved is None:
        return Decimal("0")
    return max(Decimal("0"), held - reserved)


def holds_folio_in_scheme(*, investor: Investor, scheme: Scheme) -> str:
    """The folio of an earlier allotment in this scheme (an additional purchase goes there), or ""."""
    order = (
        Order.objects.filter(investor=investor, status=OrderStatus.SUCCESSFUL, scheme__amc_id=scheme.amc_id)
        .exclude(folio_number="")
        .order_by("-successful_at")
        .first()
    )
    return order.folio_number if order else ""


def gateway_call_list_recent(*, limit: int = 200, outcome: str | None = None):
    """The current tenant's most recent external calls (already masked when written), newest first."""
    qs = GatewayCall.objects.select_related("order").order_by("-created_at", "-id")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return list(qs[:limit])


def sip_list_for_investors(
    *,
    investors: QuerySet[Investor],
    status: str = "",
    frequency: str = "",
    start_from: date | None = None,
    start_to: date | None = None,
) -> QuerySet[SipRegistration]:
    """The SIP book of a set of investors (a staff member's book), newest first, with optional filters."""
    qs = SipRegistration.objects.filter(investor__in=investors).select_related("investor", "scheme")
    if status:
        qs = qs.filter(status=status)
    if frequency:
        qs = qs.filter(frequency=frequency)
    if start_from:
        qs = qs.filter(start_date__gte=start_from)
    if start_to:
        qs = qs.filter(start_date__lte=start_to)
    return qs.order_by("-created_at", "-id")
