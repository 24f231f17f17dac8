"""Read side of the portal: who the staff member is, what they may do and see."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import Investor, KycStatus, StaffMember, StaffRole
from apps.accounts.permissions import staff_member_for_user as staff_member_for
from apps.accounts.selectors import investors_visible_to
from apps.core.exceptions import NotFoundError
from apps.orders import selectors as orders_selectors
from apps.orders.models import Order, OrderStatus, SipRegistration, SipStatus
from apps.orders.selectors import order_list_filter
from apps.portal import crypto, permissions
from apps.portal.models import StaffTotpDevice
from apps.portal.permissions import capabilities_for_role
from apps.portfolio.models import CasImport, Holding, InvestorValuation
from apps.portfolio.selectors import holdings as portfolio
from apps.portfolio.selectors.holdings import access_cas_import_by_id
from apps.portfolio.selectors.performance import performance_series
from apps.portfolio.services.valuation import allocation_compute

PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")


def staff_member_for_user(*, user) -> StaffMember | None:
    """The active staff record of a signed-in user of this tenant, or None (investors, deactivated staff)."""
    return staff_member_for(user)


def staff_can(*, member: StaffMember, capability: str) -> bool:
    return capability in capabilities_for_role(member.role)


def staff_capabilities(*, member: StaffMember) -> frozenset[str]:
    return capabilities_for_role(member.role)


def staff_totp_enabled(*, user) -> bool:
    return StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def staff_totp_pending_secret(*, user) -> str | None:
    device = StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return crypto.decrypt(device.secret_encrypted) if device else None


# --- Investors as staff see them --------------------------------------------------------------------


def investor_scope_for_staff(*, member: StaffMember) -> QuerySet[Investor]:
    """Identity's scope: every investor, or a relationship manager's own book."""
    return investors_visible_to(staff=member)


def investor_list_for_staff(
    *, member: StaffMember, search: str = "", kyc_status: str = "", relationship_manager_id: int | None = None
) -> QuerySet[Investor]:
    qs = investor_scope_for_staff(member=member)
    search = (search or "").strip()
    if search:
        condition = Q(full_name__icontains=search) | Q(email__icontains=search) | Q(user__email__icontains=search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if len(digits) >= 4:
            condition |= Q(mobile__contains=digits) | Q(user__mobile__contains=digits)
        if PAN_RE.match(search.upper()):
            condition |= Q(pan=search.upper())
        qs = qs.filter(condition)
    if kyc_status:
        qs = qs.filter(kyc_status=kyc_status)
    if relationship_manager_id:
        qs = qs.filter(relationship_manager_id=relationship_manager_id)
    return qs.order_by("full_name", "id")


def access_investor_for_staff(*, member: StaffMember, public_id) -> Investor:
    """One investor this staff member may see; NotFoundError (404) for anyone else's or a bad id."""
    try:
        return accounts_selectors.access_investor_by_id(staff=member, public_id=public_id)
    except (ValueError, ValidationError):
        raise NotFoundError("No such investor.") from None


def staff_list() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("user").order_by("-is_active", "user__email")


def relationship_managers() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("user").filter(role=StaffRole.RELATIONSHIP_MANAGER, is_active=True)


# --- Dashboard ---------------------------------------------------------------------------------------

AUM_SERIES_DAYS = 365
AUM_SERIES_CACHE_SECONDS = 600


@dataclass
class DashboardFigures:
    investor_count: int
    kyc_counts: dict[str, int]
    aum: Decimal | None = None
    aum_as_of: date | None = None
    allocation: list[dict] = field(default_factory=list)
    allocation_chart: dict = field(default_factory=dict)
    aum_series: dict = field(default_factory=dict)
    active_sips: int | None = None
    monthly_sip_book: Decimal | None = None
    orders_today: list[dict] | None = None
    orders_today_total: int = 0
    attention: list[dict] = field(default_factory=list)


def _aum_series(*, member: StaffMember, investor_ids: list[int]) -> dict:
    """Value and invested amount of the book, weekly over the last year, rebuilt from NAV history and
    the ledger by the portfolio's performance series; cached for a few minutes per scope."""

    scope = "all" if permissions.sees_every_investor(member) else f"rm{member.pk}"
    today = timezone.localdate()
    key = f"portal:aum-series:{scope}:{today.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    series: dict = {}
    if investor_ids:
        points = performance_series(
            investor_ids=investor_ids, start=today - timedelta(days=AUM_SERIES_DAYS), end=today, interval="weekly"
        )
        if any(p.value for p in points):
            series = {
                "labels": [p.day.isoformat() for p in points],
                "series": [
                    {"label": "AUM", "values": [str(p.value) for p in points]},
                    {"label": "Invested", "values": [str(p.invested) for p in points]},
                ],
            }
    cache.set(key, series, AUM_SERIES_CACHE_SECONDS)
    return series


def dashboard_figures(*, member: StaffMember) -> DashboardFigures:
    """What the dashboard shows, in the staff member's scope (a relationship manager's own book)."""

    investors = investor_scope_for_staff(member=member)
    kyc_counts = dict(investors.order_by().values_list("kyc_status").annotate(n=Count("id")))
    figures = DashboardFigures(investor_count=sum(kyc_counts.values()), kyc_counts=kyc_counts)
    investor_ids = list(investors.values_list("id", flat=True))

    valuation = InvestorValuation.objects.filter(investor_id__in=investor_ids).aggregate(
        total=Sum("value"), as_of=Max("nav_date")
    )
    figures.aum = valuation["total"] or Decimal("0")
    figures.aum_as_of = valuation["as_of"]
    figures.allocation = allocation_compute(investor_ids=investor_ids)["asset_class"] if investor_ids else []
    figures.allocation_chart = {
        "labels": [r["label"] for r in figures.allocation],
        "values": [r["value"] for r in figures.allocation],
    }
    figures.aum_series = _aum_series(member=member, investor_ids=investor_ids)
    for name, value in order_and_sip_figures(investor_ids=investor_ids).items():
        setattr(figures, name, value)

    attention = []
    pending_kyc = kyc_counts.get(KycStatus.PENDING, 0) + kyc_counts.get(KycStatus.ON_HOLD, 0)
    if pending_kyc:
        attention.append({"kind": "kyc", "count": pending_kyc, "label": "investors with KYC pending or on hold"})
    if kyc_counts.get(KycStatus.REJECTED):
        attention.append({"kind": "kyc_rejected", "count": kyc_counts[KycStatus.REJECTED], "label": "KYC rejected"})
    unmapped = Holding.objects.filter(investor_id__in=investor_ids, needs_review=True).count()
    if unmapped:
        attention.append({"kind": "unmapped", "count": unmapped, "label": "holdings not matched to a fund"})
    imports = CasImport.objects.filter(investor_id__in=investor_ids)
    mismatched = imports.filter(status=CasImport.Status.DONE).exclude(mismatches=[]).count()
    if mismatched:
        attention.append({"kind": "mismatch", "count": mismatched, "label": "CAS imports with unit mismatches"})
    failed = imports.filter(status=CasImport.Status.FAILED, created_at__gte=timezone.now() - timedelta(days=7)).count()
    if failed:
        attention.append({"kind": "import_failed", "count": failed, "label": "CAS imports failed in the last 7 days"})
    figures.attention = attention
    return figures


@dataclass
class InvestorOverview:
    bank_accounts: list
    summary: object
    holdings: list
    transactions: list
    imports: list
    orders: list = field(default_factory=list)
    sips: list = field(default_factory=list)


def investor_overview_for_staff(*, investor: Investor) -> InvestorOverview:

    return InvestorOverview(
        orders=list(orders_selectors.order_list(investor=investor)[:20]),
        sips=list(orders_selectors.sip_list(investor=investor).order_by("-created_at")[:20]),
        bank_accounts=list(accounts_selectors.bank_account_list(investor=investor)),
        summary=portfolio.portfolio_summary_get(investor=investor),
        holdings=list(portfolio.holding_list(investor=investor).order_by("-value", "source_name")),
        transactions=list(portfolio.transaction_list(investor=investor).order_by("-trade_date", "-id")[:20]),
        imports=list(portfolio.cas_import_list(investor=investor).order_by("-created_at")[:10]),
    )


# --- CAS imports -------------------------------------------------------------------------------------


def cas_import_for_investor(*, investor: Investor, public_id):
    """One CAS import of this investor (the portfolio's access selector: 404 for anyone else's)."""

    return access_cas_import_by_id(investor=investor, public_id=public_id)


# --- Orders and SIPs across the staff member's book -------------------------------------------------
# apps.orders' selectors read one investor at a time; these read the staff member's whole scope
# (every investor, or a relationship manager's own book) and never write.

EXPORT_MAX_ROWS = 50_000
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# instalments a month, to turn each SIP's amount into the monthly book
SIP_MONTHLY_FACTOR = {"MONTHLY": Decimal("1"), "QUARTERLY": Decimal("1") / 3, "WEEKLY": Decimal("52") / 12}


def order_list_for_staff(
    *,
    member: StaffMember,
    status: str = "",
    kind: str = "",
    placed_from: date | None = None,
    placed_to: date | None = None,
) -> QuerySet:

    qs = Order.objects.filter(investor__in=investor_scope_for_staff(member=member)).select_related(
        "investor", "scheme", "to_scheme"
    )
    return order_list_filter(qs, status=status, kind=kind, placed_from=placed_from, placed_to=placed_to)


def _csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_CSV_FORMULA_START) else text


ORDER_CSV_HEADER = [
    "order_id", "placed_at", "investor", "kind", "scheme_amfi_code", "scheme", "amount", "units", "all_units",
    "folio", "status", "placed_by_staff", "exchange_order_id",
]  # fmt: skip
SIP_CSV_HEADER = [
    "sip_id", "created_at", "investor", "scheme_amfi_code", "scheme", "amount", "frequency", "start_date",
    "instalments", "status",
]  # fmt: skip


def order_csv_rows(*, orders: QuerySet):
    yield ORDER_CSV_HEADER
    for o in orders[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            _csv_safe(v)
            for v in (
                o.public_id, timezone.localtime(o.placed_at).isoformat(), o.investor.full_name, o.kind,
                o.scheme.amfi_code, o.scheme.name, o.amount, o.units, "yes" if o.all_units else "",
                o.folio_number, o.status, "yes" if o.placed_by_id else "", o.exchange_order_id,
            )
        ]  # fmt: skip


def sip_csv_rows(*, sips: QuerySet):
    yield SIP_CSV_HEADER
    for s in sips[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            _csv_safe(v)
            for v in (
                s.public_id, timezone.localtime(s.created_at).isoformat(), s.investor.full_name, s.scheme.amfi_code,
                s.scheme.name, s.amount, s.frequency, s.start_date.isoformat(), s.instalments, s.status,
            )
        ]  # fmt: skip


def order_and_sip_figures(*, investor_ids: list[int]) -> dict:
    """Active SIPs, the monthly SIP book and today's (IST) orders by status, for the dashboard."""

    active = SipRegistration.objects.filter(investor_id__in=investor_ids, status=SipStatus.ACTIVE)
    by_frequency = active.order_by().values_list("frequency").annotate(total=Sum("amount"), n=Count("id"))
    book = Decimal("0")
    count = 0
    for frequency, total, n in by_frequency:
        book += (total or Decimal("0")) * SIP_MONTHLY_FACTOR.get(frequency, Decimal("1"))
        count += n
    today = timezone.localdate()
    labels = dict(OrderStatus.choices)
    today_counts = (
        Order.objects.filter(investor_id__in=investor_ids, placed_at__date=today)
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
