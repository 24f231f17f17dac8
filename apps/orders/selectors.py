"""Reads. An investor's orders, SIPs and mandates are reached only through the access_* selectors, which
answer 404 for anyone else's ids."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.accounts.models import Investor, OtpChallenge
from apps.accounts.selectors import investors_visible_to
from apps.core.exceptions import NotFoundError
from apps.core.querysets import of_investors
from apps.core.spreadsheets import csv_cell_safe
from apps.funds.market_calendar import trading_day_is, trading_holidays
from apps.funds.models import Scheme
from apps.funds.selectors import FundFilters, fund_list
from apps.orders.cutoff import IST, cutoff_for
from apps.orders.gateways.interface import Operation
from apps.orders.gateways.registry import gateway_supports
from apps.orders.models import (
    Gateway,
    GatewayCall,
    Mandate,
    MandateStatus,
    Order,
    OrderBasket,
    OrderEvent,
    OrderKind,
    OrderStatus,
    SipFrequency,
    SipInstalment,
    SipRegistration,
    SipStatus,
)
from apps.orders.states import ORDER_CANCELLABLE_AT_EXCHANGE, ORDER_CANCELLABLE_LOCALLY, ORDER_TERMINAL
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
        .select_related("scheme", "to_scheme", "sip", "basket")
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")))
        .first()
    )
    if order is None:
        raise NotFoundError("No such order.")
    return order


def access_order_in_book(*, investors: QuerySet[Investor], public_id) -> Order:
    """An order of one of `investors` (a staff member's book: accounts.selectors.investors_visible_to),
    with its events and attempts; 404 for anyone else's."""
    order = (
        Order.objects.filter(investor__in=investors, public_id=public_id)
        .select_related("scheme", "to_scheme", "sip", "investor", "basket", "placed_by")
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")))
        .first()
    )
    if order is None:
        raise NotFoundError("No such order.")
    return order


def access_basket_by_id(*, investor: Investor, public_id) -> OrderBasket:
    basket = (
        OrderBasket.objects.filter(investor=investor, public_id=public_id)
        .select_related("investor")
        .prefetch_related(
            Prefetch("orders", queryset=Order.objects.select_related("scheme", "to_scheme").order_by("id")),
            Prefetch("sips", queryset=SipRegistration.objects.select_related("scheme").order_by("id")),
        )
        .first()
    )
    if basket is None:
        raise NotFoundError("No such basket.")
    return basket


def otp_challenge_of(*, target) -> OtpChallenge | None:
    """The code last sent for an order, SIP, mandate or basket (its channel and expiry; never the code)."""
    if not target.otp_challenge_id:
        return None
    return OtpChallenge.objects.filter(public_id=target.otp_challenge_id).first()


def sip_list(*, investor: Investor, status: str | None = None) -> QuerySet[SipRegistration]:
    qs = SipRegistration.objects.filter(investor=investor).select_related("scheme", "mandate")
    return qs.filter(status=status) if status else qs


def access_sip_by_id(*, investor: Investor, public_id) -> SipRegistration:
    sip = (
        SipRegistration.objects.filter(investor=investor, public_id=public_id)
        .select_related("scheme", "mandate__bank_account")
        .prefetch_related(
            Prefetch("instalment_rows", queryset=SipInstalment.objects.select_related("order").order_by("number"))
        )
        .first()
    )
    if sip is None:
        raise NotFoundError("No such SIP.")
    return sip


# --- SIPs: what a scheme allows, the book with its instalments, the next due dates -----------------

SIP_DAYS = tuple(range(1, 29))  # the exchange's XSIP dates: any day from the 1st to the 28th
SIP_MIN_INSTALMENTS = {SipFrequency.MONTHLY: 6, SipFrequency.QUARTERLY: 4, SipFrequency.WEEKLY: 12}
SIP_MAX_INSTALMENTS = 600  # as the SIP API allows
SIP_FIRST_DUE_MIN_DAYS = 7  # BSE registers an XSIP at least a week before its first instalment
MANDATE_USABLE_STATUSES = (MandateStatus.REGISTERED, MandateStatus.APPROVED)
MISSED_STATUSES = (SipInstalment.Status.MISSED, SipInstalment.Status.FAILED)


@dataclass(frozen=True)
class SipOptions:
    """What a SIP into one scheme may be: frequencies, dates, the minimum and multiple of the amount and
    the fewest instalments per frequency. The scheme master carries the amounts; the dates and counts are
    the exchange's XSIP rules."""

    frequencies: tuple[tuple[str, str], ...]
    days: tuple[int, ...]
    min_amount: Decimal
    multiple: Decimal | None
    min_instalments: dict[str, int]
    max_instalments: int
    first_due_min_days: int


def sip_options(*, scheme: Scheme) -> SipOptions:
    return SipOptions(
        frequencies=tuple(SipFrequency.choices) if scheme.sip_allowed else (),
        days=SIP_DAYS,
        min_amount=scheme.min_sip or Decimal("100"),
        multiple=scheme.sip_multiple,
        min_instalments={str(k): v for k, v in SIP_MIN_INSTALMENTS.items()},
        max_instalments=SIP_MAX_INSTALMENTS,
        first_due_min_days=SIP_FIRST_DUE_MIN_DAYS,
    )


SIP_SCHEME_PICKS = 20


def sip_scheme_get(*, amfi_code: str) -> Scheme | None:
    """The scheme a SIP form is for, or None (a missing or unknown code, or one that takes no SIPs)."""
    amfi_code = (amfi_code or "").strip()[:12]
    if not amfi_code.isdigit():
        return None
    return Scheme.objects.filter(amfi_code=amfi_code, sip_allowed=True).first()


def sip_scheme_search(*, query: str) -> list[Scheme]:
    """Up to SIP_SCHEME_PICKS schemes that take SIPs matching `query` (the fund search's ranking)."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    funds = fund_list(filters=FundFilters(q=query)).filter(sip_allowed=True)
    return list(funds[:SIP_SCHEME_PICKS])


def mandate_list_usable(*, investor: Investor, amount: Decimal | None = None) -> QuerySet[Mandate]:
    """The investor's mandates a new SIP may debit: registered at the exchange (or approved by the bank),
    not ended, and with a limit that covers `amount`."""
    qs = Mandate.objects.filter(
        investor=investor, status__in=MANDATE_USABLE_STATUSES, end_date__gt=timezone.localdate()
    ).select_related("bank_account")
    return qs.filter(amount_limit__gte=amount) if amount is not None else qs


def sip_book_annotate(qs: QuerySet[SipRegistration]) -> QuerySet[SipRegistration]:
    """Each SIP with its next scheduled due date (`next_due`, the calendar date), and its instalments
    paid and missed."""
    # correlated subqueries, not a join grouped by SIP: a page of a 50,000-SIP book computes them for its
    # 25 rows instead of grouping every SIP before the sort
    rows = SipInstalment.objects.filter(sip=OuterRef("pk")).order_by().values("sip")

    def counted(**where):
        return Coalesce(Subquery(rows.filter(**where).annotate(n=Count("pk")).values("n")[:1]), 0)

    return qs.annotate(
        next_due=Subquery(
            rows.filter(status=SipInstalment.Status.SCHEDULED).annotate(first=Min("due_date")).values("first")[:1]
        ),
        paid_count=counted(status=SipInstalment.Status.SUCCESSFUL),
        missed_count=counted(status__in=MISSED_STATUSES),
    )


def sip_debit_dates(days: list[date]) -> dict[date, date]:
    """Each calendar due date and the trading day the debit happens on (that day, or the next trading
    day after a weekend or holiday), with one read of the holiday calendar."""
    if not days:
        return {}
    holidays = trading_holidays(start=min(days), end=max(days) + timedelta(days=60))
    result = {}
    for day in set(days):
        debit = day
        while not trading_day_is(debit, holidays=holidays):
            debit += timedelta(days=1)
        result[day] = debit
    return result


def sip_instalments_overview(*, sip: SipRegistration) -> dict:
    """A SIP's instalments with their debit days on the market calendar, the next one due, and how many
    were paid and missed (the SIP pages of the web and the portal)."""
    instalments = list(sip.instalment_rows.all())
    debit = sip_debit_dates([i.due_date for i in instalments])
    for instalment in instalments:
        instalment.debit_date = debit.get(instalment.due_date)
    return {
        "instalments": instalments,
        "next": next((i for i in instalments if i.status == SipInstalment.Status.SCHEDULED), None),
        "paid": sum(1 for i in instalments if i.status == SipInstalment.Status.SUCCESSFUL),
        "missed": sum(1 for i in instalments if i.status in MISSED_STATUSES),
    }


def sips_with_debit_dates(sips) -> list[SipRegistration]:
    """Annotated SIPs (sip_book_annotate) with `next_debit`: the next due date on the market calendar."""
    sips = list(sips)
    dates = sip_debit_dates([s.next_due for s in sips if s.next_due])
    for sip in sips:
        sip.next_debit = dates.get(sip.next_due) if sip.next_due else None
    return sips


def sip_week_bounds(*, today: date) -> tuple[date, date]:
    """Monday to Sunday of the week of `today` (IST)."""
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)


def access_sip_for_staff(*, staff, public_id) -> SipRegistration:
    """One SIP of an investor this staff member may see (relationship managers: their own book); 404
    otherwise, a malformed id included."""
    try:
        sip = (
            SipRegistration.objects.filter(investor__in=investors_visible_to(staff=staff), public_id=public_id)
            .select_related("scheme", "mandate__bank_account", "investor__user", "placed_by")
            .prefetch_related(
                Prefetch("instalment_rows", queryset=SipInstalment.objects.select_related("order").order_by("number"))
            )
            .first()
        )
    except (ValueError, ValidationError):
        sip = None
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
    due_from: date | None = None,
    due_to: date | None = None,
) -> QuerySet[SipRegistration]:
    """The SIP book of a set of investors (a staff member's book), newest first, with optional filters
    (`due_from` / `due_to`: a scheduled instalment falls due in that window), each SIP annotated with its
    next due date and its instalments paid and missed."""
    # a book of every investor (owners, operations) is every SIP: no semi-join on investors
    sips = of_investors(SipRegistration.objects.all(), investors, field="investor")
    qs = sip_book_annotate(sips.select_related("investor", "scheme", "mandate"))
    if due_from or due_to:
        window = Q(status=SipInstalment.Status.SCHEDULED)
        if due_from:
            window &= Q(due_date__gte=due_from)
        if due_to:
            window &= Q(due_date__lte=due_to)
        qs = qs.filter(pk__in=SipInstalment.objects.filter(window).values("sip_id"))
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
    """The orders of a set of investors (a staff member's book), with the order list's filters. A book of
    every investor (an unfiltered queryset: owners and operations) is every order, read without the
    semi-join on investors, so the newest-first index serves the page and the count."""
    qs = of_investors(Order.objects.select_related("investor", "scheme", "to_scheme"), investors, field="investor")
    return order_list_filter(qs, status=status, kind=kind, placed_from=placed_from, placed_to=placed_to)


# --- CSV exports of a staff member's book ----------------------------------------------------------

EXPORT_MAX_ROWS = 250_000  # streamed (portal.views_orders.csv_streaming_response): memory stays flat
ORDER_CSV_HEADER = [
    "Reference", "Placed (IST)", "Investor", "Type", "Scheme", "AMFI code", "Amount (INR)", "Units", "All units",
    "Folio", "Status", "Placed by staff", "Exchange order number", "Basket",
]  # fmt: skip
SIP_CSV_HEADER = [
    "Reference", "Created (IST)", "Investor", "Scheme", "AMFI code", "Amount (INR)", "Frequency", "Start date",
    "Instalments", "Status",
]  # fmt: skip
CSV_TIME = "%d %b %Y %H:%M"


def order_csv_rows(*, orders: QuerySet[Order]):
    """The header, then one row per order (at most EXPORT_MAX_ROWS): our reference, the labels people read
    (type, status, scheme name), times in IST; every cell spreadsheet-safe."""
    yield ORDER_CSV_HEADER
    kinds, statuses = dict(OrderKind.choices), dict(OrderStatus.choices)
    for o in orders.select_related("basket")[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            csv_cell_safe(v)
            for v in (
                o.client_ref, o.placed_at.astimezone(IST).strftime(CSV_TIME), o.investor.full_name,
                kinds.get(o.kind, o.kind), o.scheme.name, o.scheme.amfi_code, o.amount, o.units,
                "yes" if o.all_units else "", o.folio_number, statuses.get(o.status, o.status),
                "yes" if o.placed_by_id else "", o.exchange_order_id, o.basket.reference if o.basket_id else "",
            )
        ]  # fmt: skip


def sip_csv_rows(*, sips: QuerySet[SipRegistration]):
    """The header, then one row per SIP (at most EXPORT_MAX_ROWS), with its reference and the labels people
    read; every cell spreadsheet-safe."""
    yield SIP_CSV_HEADER
    frequencies, statuses = dict(SipFrequency.choices), dict(SipStatus.choices)
    for s in sips[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            csv_cell_safe(v)
            for v in (
                s.client_ref, s.created_at.astimezone(IST).strftime(CSV_TIME), s.investor.full_name, s.scheme.name,
                s.scheme.amfi_code, s.amount, frequencies.get(s.frequency, s.frequency), s.start_date.isoformat(),
                s.instalments, statuses.get(s.status, s.status),
            )
        ]  # fmt: skip


# --- Dashboard figures -----------------------------------------------------------------------------

# instalments a month, to turn each SIP's amount into the monthly book
SIP_MONTHLY_FACTOR = {"MONTHLY": Decimal("1"), "QUARTERLY": Decimal("1") / 3, "WEEKLY": Decimal("52") / 12}


def order_and_sip_figures(*, investor_ids: list[int]) -> dict:
    """Active SIPs, the monthly SIP book, instalments due this week (Monday to Sunday, IST) and missed in the
    last 30 days, and today's (IST) orders by status, for the staff dashboard."""
    active = of_investors(SipRegistration.objects.filter(status=SipStatus.ACTIVE), investor_ids)
    by_frequency = active.order_by().values_list("frequency").annotate(total=Sum("amount"), n=Count("id"))
    book = Decimal("0")
    count = 0
    for frequency, total, n in by_frequency:
        book += (total or Decimal("0")) * SIP_MONTHLY_FACTOR.get(frequency, Decimal("1"))
        count += n
    today = timezone.localdate()
    week_start, week_end = sip_week_bounds(today=today)
    instalments = of_investors(SipInstalment.objects.all(), investor_ids, field="sip__investor_id")
    due_this_week = instalments.filter(
        status=SipInstalment.Status.SCHEDULED, due_date__range=(week_start, week_end),
        sip__status=SipStatus.ACTIVE,
    ).count()  # fmt: skip
    missed = instalments.filter(status__in=MISSED_STATUSES, due_date__gte=today - timedelta(days=30)).count()
    labels = dict(OrderStatus.choices)
    # a range on placed_at (not placed_at__date) so the newest-first index finds today's orders
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    today_counts = (
        of_investors(Order.objects.all(), investor_ids)
        .filter(placed_at__gte=midnight, placed_at__lt=midnight + timedelta(days=1))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    orders_today = [{"status": s, "label": labels.get(s, s), "count": n} for s, n in sorted(today_counts)]
    return {
        "active_sips": count,
        "monthly_sip_book": book.quantize(Decimal("0.01")),
        "sips_due_this_week": due_this_week,
        "sip_instalments_missed_30d": missed,
        "orders_today": orders_today,
        "orders_today_total": sum(r["count"] for r in orders_today),
    }


# --- Following an order: its state in words, timeline, NAV date and what may be done next -----------

ORDER_STATUS_WORDS = {
    OrderStatus.PENDING_OTP: "Waiting for the one-time code. Nothing has gone to the exchange.",
    OrderStatus.QUEUED: "Confirmed. It is on its way to the exchange.",
    OrderStatus.SUBMITTED: "Sent to the exchange; waiting for its answer.",
    OrderStatus.UNKNOWN: "The exchange's answer was lost: we are asking the exchange whether it has the order. "
    "It is never sent twice.",
    OrderStatus.ACCEPTED: "Accepted by the exchange; waiting for the fund house to allot.",
    OrderStatus.PAYMENT_PENDING: "Accepted by the exchange. Waiting for the payment.",
    OrderStatus.SUCCESSFUL: "Done: the fund house has processed it.",
    OrderStatus.REJECTED: "Rejected by the exchange.",
    OrderStatus.FAILED: "Could not be sent to the exchange.",
    OrderStatus.CANCELLED: "Cancelled.",
    OrderStatus.REVERSED: "Reversed by the fund house after allotment.",
}
EVENT_TITLES = {
    "placed": "Placed",
    "payment_confirmed": "Payment received",
    "status_query": "Checked with the exchange",
    "switch_in_recorded": "Switch-in units recorded",
    "switch_out_recorded": "Switch-out units recorded",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # in IST
    title: str
    detail: str = ""
    gateway: bool = False  # an exchange attempt or call rather than a state of the order


@dataclass(frozen=True)
class OrderNextSteps:
    can_resend_otp: bool
    can_cancel: bool
    cancel_at_exchange: bool
    cancel_note: str  # why it cannot be cancelled, in words; "" when it can
    can_pay: bool
    payment_state: str  # "", "not_started", "started", "received"


def order_status_words(*, order: Order) -> str:
    if order.status == OrderStatus.PAYMENT_PENDING and order.payment_confirmed_at:
        return "Payment received. Waiting for the fund house to allot units."
    if order.status == OrderStatus.SUCCESSFUL and order.kind == OrderKind.PURCHASE:
        return "Units allotted."
    return ORDER_STATUS_WORDS.get(order.status, order.get_status_display())


def order_timeline(*, order: Order, with_gateway_calls: bool = False) -> list[TimelineEntry]:
    """The order's events (states and facts) and its exchange attempts, oldest first, times in IST;
    `with_gateway_calls` adds every call made to the exchange for it (staff only)."""
    labels = dict(OrderStatus.choices)
    entries = []
    for event in order.events.all():
        title = labels.get(event.to_status, event.to_status) if event.kind == "status" else None
        title = title or EVENT_TITLES.get(event.kind, event.kind.replace("_", " ").capitalize())
        entries.append(TimelineEntry(at=event.created_at.astimezone(IST), title=title, detail=event.message))
    for attempt in order.attempts.all():
        gateway = Gateway(attempt.gateway).label if attempt.gateway in Gateway.values else attempt.gateway
        detail = f"reference {attempt.trans_no}: {attempt.get_outcome_display().lower()}"
        entries.append(TimelineEntry(at=attempt.created_at.astimezone(IST), title=f"Sent to {gateway}",
                                     detail=detail + (f" ({attempt.message})" if attempt.message else ""),
                                     gateway=True))  # fmt: skip
    if with_gateway_calls:
        for call in order.gateway_calls.all():
            entries.append(TimelineEntry(at=call.created_at.astimezone(IST), title=f"Call {call.operation}",
                                         detail=f"{call.get_outcome_display()} in {call.latency_ms} ms"
                                         + (f", {call.error_code}" if call.error_code else ""),
                                         gateway=True))  # fmt: skip
    return sorted(entries, key=lambda entry: entry.at)


def order_nav_date_note(*, order: Order) -> str:
    """Why the order gets the NAV of its (expected) date, by SEBI's cut-off rules, in words."""
    if order.nav_date:
        return "The NAV the fund house applied."
    cutoff = cutoff_for(scheme=order.scheme, kind=order.kind).strftime("%-I:%M %p").lower()
    if order.kind == OrderKind.PURCHASE and not order.payment_confirmed_at:
        return (f"Expected, if the money reaches the fund before the {cutoff} IST cut-off on a trading day; "
                "a purchase gets the NAV of the day its money is realised.")  # fmt: skip
    return f"Received before {cutoff} IST on a trading day: that day's NAV; later: the next trading day's."


def order_next_steps(*, order: Order) -> OrderNextSteps:
    """What the investor (or staff) may still do with the order, and why not when they may not."""
    status = order.status
    paid = order.payment_confirmed_at is not None
    at_exchange = status in ORDER_CANCELLABLE_AT_EXCHANGE and not paid
    exchange_cancels = bool(order.gateway) and gateway_supports(order.gateway, Operation.ORDER_CANCEL)
    if status in ORDER_CANCELLABLE_LOCALLY or (at_exchange and exchange_cancels):
        cancellable, note = True, ""
    elif at_exchange:
        cancellable, note = False, "This exchange does not take cancellations; the order lapses if it is not paid."
    elif status in (OrderStatus.SUBMITTED, OrderStatus.UNKNOWN):
        cancellable, note = False, "It is with the exchange now; it can be cancelled once the exchange has accepted it."
    elif paid and status not in ORDER_TERMINAL:
        cancellable, note = False, "The payment has been received, so it can no longer be cancelled."
    else:
        cancellable, note = False, ""
    payment_state = ""
    if order.kind == OrderKind.PURCHASE and status in (OrderStatus.PAYMENT_PENDING, OrderStatus.SUCCESSFUL):
        payment_state = "received" if paid else ("started" if order.payment_url else "not_started")
    return OrderNextSteps(
        can_resend_otp=status == OrderStatus.PENDING_OTP, can_cancel=cancellable,
        cancel_at_exchange=cancellable and status not in ORDER_CANCELLABLE_LOCALLY, cancel_note=note,
        can_pay=order.kind == OrderKind.PURCHASE and status == OrderStatus.PAYMENT_PENDING and not paid,
        payment_state=payment_state,
    )  # fmt: skip
