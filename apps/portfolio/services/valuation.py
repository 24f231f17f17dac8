"""Precomputed valuations: each holding at its scheme's latest NAV, and each investor's totals,
allocation and XIRR. Refreshed when the ledger changes (services.ledger) and when NAVs are imported
(valuations_refresh_for_schemes, run in every tenant by a Celery fan-out)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.bulk import bulk_update_from_arrays
from apps.funds.models import NavHistory, Scheme
from apps.portfolio.models import Holding, InvestorValuation, Transaction
from apps.portfolio.selectors.analytics import allocation_compute, portfolio_xirr
from apps.portfolio.xirr import cash_flows_with_terminal, xirr_decimal
from tenants.tasks import fan_out_to_tenants

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal("0")
REFRESH_CHUNK = 500
_HOLDING_VALUE_FIELDS = [
    "nav",
    "nav_date",
    "previous_nav",
    "value",
    "day_change",
    "unrealised_gain",
    "xirr",
    "valued_at",
    "valuation_stale",
    "updated_at",
]


def previous_navs(*, schemes: Iterable[Scheme]) -> dict[int, Decimal]:
    """The NAV before each scheme's latest NAV date (for the day change), in one query."""
    ids = {s.pk for s in schemes if s is not None and s.latest_nav_date is not None}
    if not ids:
        return {}
    # one index probe per scheme on (scheme, date), not a sort of every scheme's whole history
    before = NavHistory.objects.filter(scheme_id=OuterRef("pk"), date__lt=OuterRef("latest_nav_date"))
    rows = (
        Scheme.objects.filter(pk__in=ids)
        .annotate(previous_nav=Subquery(before.order_by("-date").values("nav")[:1]))
        .filter(previous_nav__isnull=False)
        .values_list("pk", "previous_nav")
    )
    return dict(rows)


def _holding_flows(holding_ids: list[int]) -> dict[int, list[tuple[date, Decimal]]]:
    flows: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = (
        Transaction.objects.filter(holding_id__in=holding_ids)
        .exclude(cash_flow=0)
        .values_list("holding_id", "trade_date")
        .annotate(flow=Sum("cash_flow"))
        .order_by()
    )
    for holding_id, day, flow in rows:
        flows[holding_id].append((day, flow))
    return flows


def _last_trade_navs(holding_ids: list[int]) -> dict[int, tuple[Decimal, date]]:
    rows = (
        Transaction.objects.filter(holding_id__in=holding_ids, nav__isnull=False, nav__gt=0)
        .order_by("holding_id", "-trade_date", "-id")
        .distinct("holding_id")
        .values_list("holding_id", "nav", "trade_date")
    )
    return {holding_id: (nav, day) for holding_id, nav, day in rows}


def holdings_revalue(*, holdings: list[Holding]) -> list[Holding]:
    """Values the given holdings (their `scheme` loaded) at the latest NAV, in a few queries for any
    number of holdings. NAV source: the scheme's latest NAV; for an unmapped scheme the NAV the statement
    printed (kept on the holding); failing both, the NAV of its last transaction."""
    if not holdings:
        return holdings
    now = timezone.now()
    ids = [h.pk for h in holdings]
    prev = previous_navs(schemes=[h.scheme for h in holdings if h.scheme_id])
    flows = _holding_flows(ids)
    needs_trade_nav = [h.pk for h in holdings if not (h.scheme_id and h.scheme.latest_nav) and not h.nav]
    trade_navs = _last_trade_navs(needs_trade_nav) if needs_trade_nav else {}

    for holding in holdings:
        scheme = holding.scheme if holding.scheme_id else None
        if scheme is not None and scheme.latest_nav:
            holding.nav, holding.nav_date = scheme.latest_nav, scheme.latest_nav_date
            holding.previous_nav = prev.get(scheme.pk)
        elif holding.pk in trade_navs:
            holding.nav, holding.nav_date = trade_navs[holding.pk]
            holding.previous_nav = None
        nav = holding.nav or ZERO
        holding.value = (holding.units * nav).quantize(CENT)
        costed_units = holding.units - holding.units_without_cost
        holding.unrealised_gain = ((costed_units * nav) - holding.invested).quantize(CENT) if nav else ZERO
        if holding.previous_nav and nav:
            holding.day_change = (holding.units * (nav - holding.previous_nav)).quantize(CENT)
        else:
            holding.day_change = ZERO
        if holding.cost_incomplete:
            holding.xirr = None  # units of unknown cost would make any rate a fiction
        else:
            as_of = max(d for d in (holding.nav_date, holding.last_trade_date, date.min) if d is not None)
            days, amounts = cash_flows_with_terminal(
                flows.get(holding.pk, []), value=holding.value, as_of=as_of if as_of != date.min else None
            )
            holding.xirr = xirr_decimal(days, amounts)
        holding.valued_at = now
        holding.valuation_stale = False
        holding.updated_at = now
    bulk_update_from_arrays(holdings, _HOLDING_VALUE_FIELDS)
    return holdings


def holding_value(*, holding: Holding) -> Holding:
    if holding.scheme_id and not Holding.scheme.is_cached(holding):
        holding.scheme = Scheme.objects.get(pk=holding.scheme_id)
    return holdings_revalue(holdings=[holding])[0]


def valuation_totals_expressions() -> dict:
    """The investor's totals over their holdings (open ones for value and gains), as aggregate
    expressions: investor_valuation_refresh reads them, and so do bulk paths grouped by investor."""
    open_only = Q(units__gt=0)
    return {
        "value": Sum("value", filter=open_only),
        "invested": Sum("invested", filter=open_only),
        "unrealised": Sum("unrealised_gain", filter=open_only),
        "realised": Sum("realised_gain"),
        "dividends": Sum("dividends"),
        "day_change": Sum("day_change", filter=open_only),
        "holdings": Count("id", filter=open_only),
        "folios": Count("folio_id", filter=open_only, distinct=True),
        "review": Count("id", filter=Q(needs_review=True)),
        "nav_date": Max("nav_date", filter=open_only),
    }


def investor_valuation_refresh(*, investor) -> InvestorValuation:
    """Recomputes the investor's totals from the (already valued) holdings; bumps the version, which is
    the ETag of the summary and the holdings."""
    with transaction.atomic():
        # by id: get_or_create(investor=...) would cache this unlocked copy on the investor instance
        valuation, _ = InvestorValuation.objects.get_or_create(investor_id=investor.pk)
        valuation = InvestorValuation.objects.select_for_update().get(pk=valuation.pk)
        totals = Holding.objects.filter(investor=investor).aggregate(**valuation_totals_expressions())
        valuation.value = totals["value"] or ZERO
        valuation.invested = totals["invested"] or ZERO
        valuation.unrealised_gain = totals["unrealised"] or ZERO
        valuation.realised_gain = totals["realised"] or ZERO
        valuation.dividends = totals["dividends"] or ZERO
        valuation.day_change = totals["day_change"] or ZERO
        valuation.holdings_count = totals["holdings"]
        valuation.folios_count = totals["folios"]
        valuation.needs_review_count = totals["review"]
        valuation.nav_date = totals["nav_date"]
        valuation.allocation = allocation_compute(investor_ids=[investor.pk])
        valuation.xirr = portfolio_xirr(investor_ids=[investor.pk], value=valuation.value, as_of=valuation.nav_date)
        valuation.version += 1
        valuation.valued_at = timezone.now()
        valuation.save()
        # the copy the staff book sorts on (Investor.aum)
        Investor.objects.filter(pk=investor.pk).update(aum=valuation.value)
        investor.aum = valuation.value
    return valuation


def valuations_refresh_for_schemes(*, scheme_ids: Iterable[int]) -> int:
    """Revalues every holding of these schemes in the current tenant schema and refreshes the owners'
    totals. Returns the number of holdings revalued. Call it through
    valuations_refresh_schedule (below) from the NAV importer (public schema): it fans out
    to every tenant after commit."""
    scheme_ids = sorted(set(scheme_ids))
    investor_ids: set[int] = set()
    count = 0
    for start in range(0, len(scheme_ids), REFRESH_CHUNK):
        chunk = scheme_ids[start : start + REFRESH_CHUNK]
        holding_ids = list(Holding.objects.filter(scheme_id__in=chunk).values_list("pk", flat=True))
        for h_start in range(0, len(holding_ids), REFRESH_CHUNK):
            with transaction.atomic():
                holdings = list(
                    Holding.objects.select_for_update(of=("self",))
                    .select_related("scheme")
                    .filter(pk__in=holding_ids[h_start : h_start + REFRESH_CHUNK])
                    .order_by("pk")
                )
                holdings_revalue(holdings=holdings)
            investor_ids.update(h.investor_id for h in holdings)
            count += len(holdings)
    investors_refresh(investor_ids=investor_ids)
    logger.info("valuations refreshed", extra={"holdings": count, "schema": connection.schema_name})
    return count


def valuations_refresh_stale() -> int:
    """Safety net (celery beat, per tenant): values holdings left stale, e.g. after a failed task."""
    stale = set(Holding.objects.filter(valuation_stale=True).values_list("scheme_id", flat=True))
    count = valuations_refresh_for_schemes(scheme_ids=[s for s in stale if s is not None])
    with transaction.atomic():
        unmapped = list(
            Holding.objects.select_for_update().filter(valuation_stale=True, scheme__isnull=True).order_by("pk")
        )
        holdings_revalue(holdings=unmapped)
    investors_refresh(investor_ids={h.investor_id for h in unmapped})
    return count + len(unmapped)


def investors_refresh(*, investor_ids: Iterable[int]) -> None:
    for investor in Investor.objects.filter(pk__in=sorted(set(investor_ids))):
        investor_valuation_refresh(investor=investor)


VALUATIONS_REFRESH_TASK = "portfolio.valuations_refresh_for_schemes"


def valuations_refresh_schedule(*, scheme_ids) -> None:
    """For the NAV importer (FUNDS_NAVS_CHANGED_HOOKS, public schema): after its transaction commits,
    revalue the holdings of these schemes in every active tenant (the fan-out runs the task in each)."""
    ids = sorted({int(i) for i in scheme_ids})
    if ids:
        transaction.on_commit(lambda: fan_out_to_tenants.delay(VALUATIONS_REFRESH_TASK, kwargs={"scheme_ids": ids}))
