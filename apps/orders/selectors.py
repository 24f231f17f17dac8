"""Reads. An investor's orders, SIPs and mandates are reached only through the access_* selectors, which
answer 404 for anyone else's ids."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.accounts.models import Investor
from apps.core.exceptions import NotFoundError
from apps.core.spreadsheets import csv_cell_safe
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
    SipStatus,
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


def order_list_for_investors(
    *,
    investors: QuerySet[Investor],
    status: str = "",
    kind: str = "",
    placed_from: date | None = None,
    placed_to: date | None = None,
) -> QuerySet[Order]:
    """The orders of a set of investors (a staff member's book), with the order list's filters."""
    qs = Order.objects.filter(investor__in=investors).select_related("investor", "scheme", "to_scheme")
    return order_list_filter(qs, status=status, kind=kind, placed_from=placed_from, placed_to=placed_to)


# --- CSV exports of a staff member's book ----------------------------------------------------------

EXPORT_MAX_ROWS = 250_000  # streamed (portal.views_orders.csv_streaming_response): memory stays flat
ORDER_CSV_HEADER = [
    "order_id", "placed_at", "investor", "kind", "scheme_amfi_code", "scheme", "amount", "units", "all_units",
    "folio", "status", "placed_by_staff", "exchange_order_id",
]  # fmt: skip
SIP_CSV_HEADER = [
    "sip_id", "created_at", "investor", "scheme_amfi_code", "scheme", "amount", "frequency", "start_date",
    "instalments", "status",
]  # fmt: skip


def order_csv_rows(*, orders: QuerySet[Order]):
    """The header, then one row per order (at most EXPORT_MAX_ROWS), every cell spreadsheet-safe."""
    yield ORDER_CSV_HEADER
    for o in orders[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            csv_cell_safe(v)
            for v in (
                o.public_id, timezone.localtime(o.placed_at).isoformat(), o.investor.full_name, o.kind,
                o.scheme.amfi_code, o.scheme.name, o.amount, o.units, "yes" if o.all_units else "",
                o.folio_number, o.status, "yes" if o.placed_by_id else "", o.exchange_order_id,
            )
        ]  # fmt: skip


def sip_csv_rows(*, sips: QuerySet[SipRegistration]):
    """The header, then one row per SIP (at most EXPORT_MAX_ROWS), every cell spreadsheet-safe."""
    yield SIP_CSV_HEADER
    for s in sips[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            csv_cell_safe(v)
            for v in (
                s.public_id, timezone.localtime(s.created_at).isoformat(), s.investor.full_name, s.scheme.amfi_code,
                s.scheme.name, s.amount, s.frequency, s.start_date.isoformat(), s.instalments, s.status,
            )
        ]  # fmt: skip


# --- Dashboard figures -----------------------------------------------------------------------------

# instalments a month, to turn each SIP's amount into the monthly book
SIP_MONTHLY_FACTOR = {"MONTHLY": Decimal("1"), "QUARTERLY": Decimal("1") / 3, "WEEKLY": Decimal("52") / 12}


def order_and_sip_figures(*, investor_ids: list[int]) -> dict:
    """Active SIPs, the monthly SIP book and today's (IST) orders by status, for the staff dashboard."""
    active = SipRegistration.objects.filter(investor_id__in=investor_ids, status=SipStatus.ACTIVE)
    by_frequency = active.order_by().values_list("frequency").annotate(total=Sum("amount"), n=Count("id"))
    book = Decimal("0")
    count = 0
    for frequency, total, n in by_frequency:
        book += (total or Decimal("0")) * SIP_MONTHLY_FACTOR.get(frequency, Decimal("1"))
        count += n
    today = timezone.localdate()
    labels = dict(OrderStatus.choices)
    # a range on placed_at (not placed_at__date) so the newest-first index finds today's orders
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    today_counts = (
        Order.objects.filter(
            investor_id__in=investor_ids, placed_at__gte=midnight, placed_at__lt=midnight + timedelta(days=1)
        )
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    orders_today = [{"status": s, "label": labels.get(s, s), "count": n} for s, n in sorted(today_counts)]
    return {
        "active_sips": count,
        "monthly_sip_book": book.quantize(Decimal("0.01")),
        "orders_today": orders_today,
        "orders_today_total": sum(r["count"] for r in orders_today),
    }
