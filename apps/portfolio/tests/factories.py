"""Builds a large portfolio quickly (bulk inserts, then the real rebuild and valuation services), for
the query-count tests and benchmarks/portfolio_api.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from apps.funds.models import Amc, NavHistory, Scheme
from apps.portfolio.models import Folio, Holding, MappedBy, Transaction
from apps.portfolio.services.ledger import holding_rebuild, transaction_cash_flow
from apps.portfolio.services.valuation import holdings_revalue, investor_valuation_refresh


def schemes_ensure(*, count: int, prefix: str = "PFB", amcs: int = 25) -> list[Scheme]:
    """`count` schemes with NAVs (idempotent: reuses the ones made before)."""
    amc_rows = [
        Amc.objects.get_or_create(code=f"{prefix.lower()}-amc-{i}", defaults={"name": f"{prefix} Fund House {i} MF"})[0]
        for i in range(amcs)
    ]
    existing = {s.amfi_code: s for s in Scheme.objects.filter(amfi_code__startswith=prefix)}
    fresh = []
    classes = [Scheme.AssetClass.EQUITY, Scheme.AssetClass.DEBT, Scheme.AssetClass.HYBRID]
    categories = ["Equity Scheme - Flexi Cap Fund", "Debt Scheme - Liquid Fund", "Hybrid Scheme - Balanced Advantage"]
    for i in range(count):
        code = f"{prefix}{i:05d}"
        if code in existing:
            continue
        fresh.append(
            Scheme(
                amfi_code=code,
                isin_growth=f"INF{prefix[:3]}{i:05d}X",
                name=f"{prefix} Scheme {i} - Direct Plan - Growth",
                amc=amc_rows[i % amcs],
                category=categories[i % 3],
                asset_class=classes[i % 3],
                plan=Scheme.Plan.DIRECT,
                option=Scheme.Option.GROWTH,
                latest_nav=Decimal("10") + Decimal(i % 50),
                latest_nav_date=date(2026, 8, 18),
            )
        )
    Scheme.objects.bulk_create(fresh)
    schemes = list(Scheme.objects.filter(amfi_code__startswith=prefix).order_by("amfi_code")[:count])
    NavHistory.objects.bulk_create(
        [NavHistory(scheme=s, date=date(2026, 8, 17), nav=s.latest_nav - Decimal("0.1")) for s in schemes],
        ignore_conflicts=True,
    )
    return schemes


def portfolio_build(*, investor, schemes: list[Scheme], transactions: int) -> None:
    """One folio per AMC, one holding per scheme, `transactions` lines spread over them (monthly SIPs
    with a redemption now and then), then FIFO lots and valuations through the real services."""
    folios = {}
    for scheme in schemes:
        if scheme.amc_id not in folios:
            folios[scheme.amc_id] = Folio.objects.create(
                investor=investor, amc_id=scheme.amc_id, folio_number=f"{investor.pk}{scheme.amc_id:06d}"
            )
    holdings = Holding.objects.bulk_create(
        [
            Holding(
                investor=investor,
                folio=folios[s.amc_id],
                scheme=s,
                source_name=s.name,
                source_isin=s.isin_growth,
                source_amfi_code=s.amfi_code,
                mapped_by=MappedBy.ISIN,
            )
            for s in schemes
        ]
    )
    per_holding = max(1, transactions // len(holdings))
    lines = []
    start = date(2020, 1, 1)
    for index, holding in enumerate(holdings):
        for k in range(per_holding):
            day = start + timedelta(days=30 * k + index % 28)
            nav = Decimal("10") + Decimal(k % 7)
            if k % 10 == 9:
                kind, units, amount = "redemption", Decimal("-5"), -(Decimal("5") * nav)
            else:
                kind, units, amount = "sip", Decimal("100"), Decimal("100") * nav
            lines.append(
                Transaction(
                    investor=investor,
                    folio=holding.folio,
                    holding=holding,
                    scheme_id=holding.scheme_id,
                    kind=kind,
                    trade_date=day,
                    amount=amount,
                    units=units,
                    nav=nav,
                    cash_flow=transaction_cash_flow(kind=kind, amount=amount),
                    source="order",
                    source_ref=f"bulk-{investor.public_id.hex[:8]}-{index}-{k}",
                )
            )
    Transaction.objects.bulk_create(lines, batch_size=2000)
    for holding in holdings:
        holding_rebuild(holding=holding)
    holdings_revalue(holdings=list(Holding.objects.filter(investor=investor).select_related("scheme")))
    investor_valuation_refresh(investor=investor)
