"""A book of investors as staff see it (every investor, or a relationship manager's own): its value,
allocation, value over the last year and the portfolio records that need a look."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Max, QuerySet, Sum
from django.template.defaultfilters import pluralize
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.querysets import of_investors
from apps.portfolio.models import BookSnapshot, CasImport, Holding, InvestorValuation
from apps.portfolio.selectors.analytics import allocation_compute
from apps.portfolio.selectors.performance import performance_series

AUM_SERIES_DAYS = 365
BOOK_ALL = "all"  # the scope of the whole book (BookSnapshot.scope)
ALLOCATION_CACHE_SECONDS = 600  # a book's allocation, per scope and day
INVESTOR_SORTS = {
    "name": ("full_name", "id"),
    "aum": ("aum", "full_name", "id"),
    "-aum": ("-aum", "full_name", "id"),
}


def book_aum(*, investor_ids: list[int]) -> tuple[Decimal, date | None]:
    """The book's value (sum of the investors' latest valuations) and the NAV date it is as of."""
    valuation = of_investors(InvestorValuation.objects.all(), investor_ids).aggregate(
        total=Sum("value"), as_of=Max("nav_date")
    )
    return valuation["total"] or Decimal("0"), valuation["as_of"]


def book_allocation(*, investor_ids, scope: str = "") -> list[dict]:
    """The book's allocation by asset class. With a `scope` (see BookSnapshot) it is cached for
    ALLOCATION_CACHE_SECONDS: grouping every holding of a large book costs more than a page may."""
    key = f"portal:allocation:{scope}:{timezone.localdate().isoformat()}" if scope else ""
    cached = cache.get(key) if key else None
    if cached is not None:
        return cached
    allocation = allocation_compute(investor_ids=investor_ids)["asset_class"]
    if key:
        cache.set(key, allocation, ALLOCATION_CACHE_SECONDS)
    return allocation


def book_investor_ids(*, scope: str) -> QuerySet:
    """The investors of a book named by its scope (see BookSnapshot): "all", or "rm<staff id>"."""
    investors = Investor.objects.order_by()
    if scope != BOOK_ALL:
        investors = investors.filter(relationship_manager_id=int(scope.removeprefix("rm")))
    return investors.values_list("id", flat=True)


def book_aum_points(*, investor_ids, as_of: date) -> list[list[str]]:
    """Value and invested amount of the book, weekly over the year to `as_of`, rebuilt from NAV history and
    the ledger by the performance series: [[ISO day, value, invested], ...], Decimal strings."""
    points = performance_series(
        investor_ids=investor_ids, start=as_of - timedelta(days=AUM_SERIES_DAYS), end=as_of, interval="weekly"
    )
    return [[p.day.isoformat(), str(p.value), str(p.invested)] for p in points]


def book_aum_series(*, scope: str) -> dict | None:
    """The dashboard's AUM chart of a book: its latest snapshot's series (BookSnapshot, taken after the
    nightly NAV import by book_snapshots_refresh), {} when there is nothing to chart, None when no snapshot
    has been taken yet. One row read: a large book's ledger is never replayed for a page."""
    stored = BookSnapshot.objects.filter(scope=scope).order_by("-as_of").first()
    if stored is None:
        return None
    points = stored.aum_points
    if not any(Decimal(value) for _, value, _ in points):
        return {}
    return {
        "as_of": stored.as_of.isoformat(),
        "labels": [day for day, _, _ in points],
        "series": [
            {"label": "AUM", "values": [value for _, value, _ in points]},
            {"label": "Invested", "values": [invested for _, _, invested in points]},
        ],
    }


def book_attention(*, investor_ids: list[int]) -> list[dict]:
    """Portfolio records of the book that need a look: unmatched holdings, CAS imports with unit
    mismatches, and CAS imports that failed in the last 7 days."""
    unmapped = of_investors(Holding.objects.filter(needs_review=True), investor_ids).count()
    imports = of_investors(CasImport.objects.all(), investor_ids)
    mismatched = imports.filter(status=CasImport.Status.DONE).exclude(mismatches=[]).count()
    failed = imports.filter(status=CasImport.Status.FAILED, created_at__gte=timezone.now() - timedelta(days=7)).count()
    flags = [
        ("unmapped", unmapped, "holding{s} not matched to a fund"),
        ("mismatch", mismatched, "CAS import{s} with unit mismatches"),
        ("import_failed", failed, "CAS import{s} failed in the last 7 days"),
    ]
    return [{"kind": kind, "count": n, "label": label.format(s=pluralize(n))} for kind, n, label in flags if n]


def investors_with_aum(*, investors: QuerySet, sort: str = "name") -> QuerySet:
    """The investors in one of INVESTOR_SORTS' orders (by name when the sort is not one of them), each with
    `aum`: the value of their latest valuation (0 before the first), the copy investor_valuation_refresh
    keeps on the investor, so a sort by AUM walks an index instead of sorting the book at every page."""
    return investors.order_by(*INVESTOR_SORTS.get(sort, INVESTOR_SORTS["name"]))
