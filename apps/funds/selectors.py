"""Reads of fund reference data: trading days and NAV freshness, fund search, detail, NAV history and
trailing returns."""

import datetime as dt
import re
from calendar import monthrange
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from apps.core.exceptions import NotFoundError
from apps.funds.market_calendar import IST, trading_day_latest
from apps.funds.models import Amc, NavHistory, Scheme
from apps.funds.search import name_vector, search_query, search_query_parse

# --- Trading days and freshness -------------------------------------------------------------------


def nav_deadline() -> dt.time:
    return dt.time.fromisoformat(settings.FUNDS_NAV_DEADLINE_IST)


def nav_expected_date(*, at: dt.datetime) -> dt.date:
    """The latest trading day whose NAVs must be out at `at`: AMFI publishes a day's NAVs by the evening
    (FUNDS_NAV_DEADLINE_IST); before that, the previous trading day's are the newest expected."""
    local = at.astimezone(IST)
    day = local.date() if local.time() >= nav_deadline() else local.date() - dt.timedelta(days=1)
    return trading_day_latest(on_or_before=day)


# --- Fund search and detail -----------------------------------------------------------------------

_ISIN_QUERY = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{9}[0-9]$")


@dataclass(frozen=True)
class FundFilters:
    q: str = ""
    amc: str = ""
    category: str = ""
    sub_category: str = ""
    plan: str = ""
    option: str = ""
    asset_class: str = ""


def fund_list(*, filters: FundFilters) -> QuerySet[Scheme]:
    """Schemes matching the filters; with a text query, best matches first (then by name)."""
    qs = Scheme.objects.select_related("amc")
    if filters.amc:
        qs = qs.filter(amc__code=filters.amc)
    if filters.category:
        qs = qs.filter(category__iexact=filters.category)
    if filters.sub_category:
        qs = qs.filter(sub_category__iexact=filters.sub_category)
    if filters.plan:
        qs = qs.filter(plan=filters.plan)
    if filters.option:
        qs = qs.filter(option=filters.option)
    if filters.asset_class:
        qs = qs.filter(asset_class=filters.asset_class)

    text = filters.q.strip()
    if not text:
        return qs.order_by("name", "id")
    if text.isdigit():
        return qs.filter(amfi_code=text).order_by("name", "id")
    if _ISIN_QUERY.match(text):
        isin = text.upper()
        return qs.filter(Q(isin_growth=isin) | Q(isin_reinvest=isin)).order_by("name", "id")
    parsed = search_query_parse(text)
    if parsed.tsquery is None:
        return qs.none()
    query = search_query(parsed)
    phrase = " ".join(text.split())
    return (
        qs.annotate(document=name_vector())
        .filter(document=query)
        .annotate(
            # the name as typed beats a name that starts with it, which beats any other match
            closeness=Case(
                When(name__iexact=phrase, then=Value(0)),
                When(name__istartswith=phrase, then=Value(1)),
                default=Value(2),
            ),
            rank=SearchRank(F("document"), query),
        )
        .order_by("closeness", "-rank", "name", "id")
    )


def fund_get(*, amfi_code: str) -> Scheme:
    try:
        return Scheme.objects.select_related("amc").prefetch_related("codes").get(amfi_code=amfi_code)
    except Scheme.DoesNotExist:
        raise NotFoundError(f"No fund with AMFI code {amfi_code}.") from None


def amc_list() -> QuerySet[Amc]:
    return Amc.objects.annotate(scheme_count=Count("schemes")).order_by("name")


# --- NAV history and returns ----------------------------------------------------------------------


def fund_nav_history(*, scheme: Scheme, start: dt.date, end: dt.date) -> QuerySet[NavHistory]:
    return NavHistory.objects.filter(scheme=scheme, date__range=(start, end)).order_by("date").only("date", "nav")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31-May minus 3 months is 28/29-Feb)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class TrailingReturn:
    period: str
    start_date: dt.date | None
    start_nav: Decimal | None
    end_date: dt.date | None
    end_nav: Decimal | None
    annualised: bool
    return_pct: Decimal | None  # e.g. Decimal("12.34") for 12.34%


# (label, months back, annualised): periods above a year are CAGR
RETURN_PERIODS = (
    ("1M", 1, False),
    ("3M", 3, False),
    ("6M", 6, False),
    ("1Y", 12, False),
    ("3Y", 36, True),
    ("5Y", 60, True),
)
# A start date that falls on a holiday uses the last NAV before it, at most this many days earlier;
# beyond that the scheme did not exist yet (or its history is missing): no return.
RETURN_START_TOLERANCE_DAYS = 7
_PCT = Decimal("0.01")


def trailing_return_pct(*, start_nav: Decimal, end_nav: Decimal, days: int, annualised: bool) -> Decimal:
    """Absolute return for a year or less; compound annual growth rate (365-day years) above one."""
    with localcontext() as ctx:
        ctx.prec = 34
        growth = end_nav / start_nav
        if annualised:
            growth = growth ** (Decimal(365) / Decimal(days))
        return ((growth - 1) * 100).quantize(_PCT, rounding=ROUND_HALF_UP)


def fund_trailing_returns(*, scheme: Scheme) -> list[TrailingReturn]:
    """1M, 3M, 6M, 1Y (absolute) and 3Y, 5Y (CAGR) to the scheme's latest NAV, from its NAV history."""
    end_date, end_nav = scheme.latest_nav_date, scheme.latest_nav
    if end_date is None or end_nav is None:
        return [TrailingReturn(p, None, None, None, None, a, None) for p, _, a in RETURN_PERIODS]
    targets = {label: months_before(end_date, months) for label, months, _ in RETURN_PERIODS}
    tolerance = dt.timedelta(days=RETURN_START_TOLERANCE_DAYS)
    windows = reduce(or_, (Q(date__range=(target - tolerance, target)) for target in targets.values()))
    points = sorted(NavHistory.objects.filter(scheme=scheme).filter(windows).values_list("date", "nav"))
    results = []
    for label, _months, annualised in RETURN_PERIODS:
        target = targets[label]
        start = next(((d, nav) for d, nav in reversed(points) if target - tolerance <= d <= target), None)
        if start is None:
            results.append(TrailingReturn(label, None, None, end_date, end_nav, annualised, None))
            continue
        start_date, start_nav = start
        pct = trailing_return_pct(
            start_nav=start_nav, end_nav=end_nav, days=(end_date - start_date).days, annualised=annualised
        )
        results.append(TrailingReturn(label, start_date, start_nav, end_date, end_nav, annualised, pct))
    return results


# --- Fund choice (the pickers of the order pages) ---------------------------------------------------------


def fund_categories() -> list[tuple[str, list[str]]]:
    """SEBI categories with their sub-categories, as the catalogue holds them (for filters)."""
    pairs = (
        Scheme.objects.exclude(category="")
        .order_by("category", "sub_category")
        .values_list("category", "sub_category")
        .distinct()
    )
    grouped: dict[str, list[str]] = {}
    for category, sub_category in pairs:
        subs = grouped.setdefault(category, [])
        if sub_category:
            subs.append(sub_category)
    return list(grouped.items())


def fund_find(*, amfi_code: str) -> Scheme | None:
    """The scheme with this AMFI code, or None (a picker's stale or tampered choice)."""
    code = (amfi_code or "").strip()
    if not code.isdigit():
        return None
    return Scheme.objects.select_related("amc").filter(amfi_code=code).first()
