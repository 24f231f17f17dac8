"""Fund discovery on the investor web pages: search with filters, and a fund's page with its NAV chart (inline
SVG drawn here: no script), trailing returns from stored NAVs, minimums, SIP schedule, and what can be done
with it through this distributor (Invest, Start SIP)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse

from apps.funds.models import Scheme
from apps.funds.operations import fund_operations, fund_operations_get
from apps.funds.selectors import (
    FundFilters,
    fund_categories,
    fund_get,
    fund_list,
    fund_nav_history,
    fund_trailing_returns,
    months_before,
)
from apps.web.views import InvestorView

PAGE_SIZE = 20
CHART_RANGES = {"1y": ("1 year", 12), "3y": ("3 years", 36), "5y": ("5 years", 60)}
CHART_WIDTH, CHART_HEIGHT, CHART_POINTS = 600, 200, 240
PLANS = [(Scheme.Plan.DIRECT, "Direct"), (Scheme.Plan.REGULAR, "Regular")]
OPTIONS = [(Scheme.Option.GROWTH, "Growth"), (Scheme.Option.IDCW, "IDCW (dividend)")]
_IDCW_OPTIONS = [Scheme.Option.IDCW, Scheme.Option.IDCW_PAYOUT, Scheme.Option.IDCW_REINVEST]


def _filters(params) -> FundFilters:
    plan = params.get("plan", "")
    option = params.get("option", "")
    return FundFilters(
        q=params.get("q", "").strip()[:100],
        category=params.get("category", "")[:120],
        sub_category=params.get("sub_category", "")[:120],
        plan=plan if plan in dict(PLANS) else "",
        option=option if option in dict(OPTIONS) else "",
    )


class FundListView(InvestorView):
    nav = "funds"
    template_name = "web/funds.html"

    def get(self, request):
        filters = _filters(request.GET)
        # "IDCW" finds every IDCW facility (payout, reinvestment, not stated)
        qs = fund_list(filters=FundFilters(**{**filters.__dict__, "option": ""}))
        if filters.option == Scheme.Option.IDCW:
            qs = qs.filter(option__in=_IDCW_OPTIONS)
        elif filters.option:
            qs = qs.filter(option=filters.option)
        searched = any(filters.__dict__.values())
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")) if searched else None
        if page is not None:
            operations = fund_operations(schemes=page.object_list)
            for scheme in page.object_list:
                scheme.here = operations[scheme.pk]
        context = {
            "filters": filters,
            "categories": fund_categories(),
            "plans": PLANS,
            "options": OPTIONS,
            "page": page,
        }
        return self.render(request, self.template_name, context)


@dataclass(frozen=True)
class NavChart:
    line: str  # SVG polyline points
    area: str  # SVG path of the area under the line
    start: dt.date
    end: dt.date
    low: Decimal
    high: Decimal
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT


def nav_chart(points: list[tuple[dt.date, Decimal]]) -> NavChart | None:
    """An SVG line of NAVs over time (at most CHART_POINTS points, the last always kept); None for fewer
    than two NAVs. Coordinates are for drawing only: the NAVs shown as figures stay Decimals."""
    if len(points) < 2:
        return None
    step = max(1, -(-len(points) // CHART_POINTS))
    sampled = points[::step]
    if sampled[-1] != points[-1]:
        sampled.append(points[-1])
    start, end = sampled[0][0], sampled[-1][0]
    low, high = min(nav for _, nav in points), max(nav for _, nav in points)
    days = max((end - start).days, 1)
    spread = float(high - low) or 1.0
    pad = 8
    coords = [
        (
            round((d - start).days / days * CHART_WIDTH, 1),
            round(pad + (1 - float(nav - low) / spread) * (CHART_HEIGHT - 2 * pad), 1),
        )
        for d, nav in sampled
    ]
    line = " ".join(f"{x},{y}" for x, y in coords)
    area = f"M0,{CHART_HEIGHT} L" + " L".join(f"{x},{y}" for x, y in coords) + f" L{CHART_WIDTH},{CHART_HEIGHT} Z"
    return NavChart(line=line, area=area, start=start, end=end, low=low, high=high)


class FundDetailView(InvestorView):
    nav = "funds"
    template_name = "web/funds_detail.html"

    def get(self, request, amfi_code: str):
        scheme = fund_get(amfi_code=amfi_code)  # NotFoundError is a 404
        chart_range = request.GET.get("range", "1y")
        if chart_range not in CHART_RANGES:
            chart_range = "1y"
        chart = None
        if scheme.latest_nav_date is not None:
            end = scheme.latest_nav_date
            start = months_before(end, CHART_RANGES[chart_range][1])
            chart = nav_chart([(p.date, p.nav) for p in fund_nav_history(scheme=scheme, start=start, end=end)])
        here = fund_operations_get(scheme=scheme)
        order_url = reverse("web:order_place")
        context = {
            "scheme": scheme,
            "chart": chart,
            "chart_range": chart_range,
            "chart_ranges": [(key, label) for key, (label, _months) in CHART_RANGES.items()],
            "returns": fund_trailing_returns(scheme=scheme),
            "here": here,
            "invest_url": f"{order_url}?{urlencode({'kind': 'purchase', 'scheme': scheme.amfi_code})}",
            "sip_url": f"/web/sips/new/?{urlencode({'scheme': scheme.amfi_code})}",
            "sip_days_text": _days_text(here.sip_days),
        }
        return self.render(request, self.template_name, context)


def _days_text(days: tuple[int, ...]) -> str:
    """1..28 reads as "any day from 1 to 28"; other sets are listed."""
    if not days:
        return ""
    if list(days) == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"any day from {days[0]} to {days[-1]}"
    return ", ".join(str(day) for day in days)
