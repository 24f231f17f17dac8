"""What each statement says: builds the `StatementDocument` of a statement from the ledger, the valuation
and the capital-gains report (reads only; apps.reports.pdf draws it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from apps.core.money import format_grouped
from apps.portfolio.models import FamilyLink, Holding, Transaction
from apps.portfolio.selectors.holdings import portfolio_summary_get
from apps.reports.models import Statement, StatementKind
from apps.reports.pdf import Brand, StatementDocument, TableBlock
from apps.reports.selectors import IST, capital_gains_get

ZERO = Decimal("0")


def inr(value: Decimal | None, *, places: int = 2) -> str:
    """Indian digit grouping: 12,34,567.89 (negative with a minus sign)."""
    return "-" if value is None else format_grouped(value, places=places)


def units(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):f}"


def brand_for_current_tenant() -> Brand:
    tenant = connection.tenant
    branding = getattr(tenant, "branding", None)
    if branding is None:
        return Brand(name=getattr(tenant, "name", ""), arn=getattr(tenant, "arn", ""))
    logo = None
    if branding.logo:
        try:
            with branding.logo.open("rb") as handle:
                logo = handle.read()
        except OSError:
            logo = None
    return Brand(
        name=branding.display_name or tenant.name,
        arn=tenant.arn,
        email=branding.support_email,
        phone=branding.support_phone,
        primary=branding.primary_color,
        accent=branding.accent_color,
        logo=logo,
    )


def _now() -> datetime:
    return timezone.now().astimezone(IST)


def _holdings_table(holdings: list[Holding], *, title: str, with_owner: bool = False) -> TableBlock:
    columns = ["Scheme", "Folio", "Units", "NAV", "NAV date", "Invested", "Value", "Gain"]
    if with_owner:
        columns.insert(0, "Investor")
    rows = []
    for h in holdings:
        row = [
            (h.scheme.name if h.scheme else h.source_name)[: 48 if with_owner else 56],
            h.folio.folio_number,
            units(h.units),
            inr(h.nav, places=4) if h.nav is not None else "-",
            f"{h.nav_date:%d-%b-%Y}" if h.nav_date else "-",
            inr(h.invested),
            inr(h.value),
            inr(h.unrealised_gain),
        ]
        if with_owner:
            row.insert(0, h.investor.full_name[:24])
        rows.append(row)
    pad = [""] * (1 if with_owner else 0)
    totals = [
        *pad,
        "Total",
        "",
        "",
        "",
        "",
        inr(sum((h.invested for h in holdings), ZERO)),
        inr(sum((h.value for h in holdings), ZERO)),
        inr(sum((h.unrealised_gain for h in holdings), ZERO)),
    ]
    numeric = range(len(pad) + 2, len(columns))
    widths = (
        [0.13, 0.27, 0.1, 0.08, 0.08, 0.08, 0.09, 0.09, 0.08]
        if with_owner
        else [0.35, 0.12, 0.08, 0.08, 0.09, 0.09, 0.1, 0.09]
    )
    return TableBlock(title, columns, rows, numeric=frozenset(numeric), totals=totals, widths=widths)


def _open_holdings(investors) -> list[Holding]:
    return list(
        Holding.objects.filter(investor__in=investors, units__gt=0)
        .select_related("scheme", "folio", "investor")
        .order_by("investor_id", "-value", "id")
    )


def _portfolio(statement: Statement) -> dict:
    investor = statement.investor
    summary = portfolio_summary_get(investor=investor)
    holdings = _open_holdings([investor])
    return {
        "title": "Portfolio valuation statement",
        "subtitle": f"As of {timezone.localdate():%d-%b-%Y}",
        "figures": [
            ("Current value (Rs)", inr(summary.value)),
            ("Invested (Rs)", inr(summary.invested)),
            ("Unrealised gain (Rs)", inr(summary.unrealised_gain)),
            ("Realised gain (Rs)", inr(summary.realised_gain)),
            ("XIRR", f"{summary.xirr * 100:.2f}%" if summary.xirr is not None else "-"),
        ],
        "tables": [_holdings_table(holdings, title="Holdings")],
    }


def _family(statement: Statement) -> dict:
    owner = statement.investor
    members = [
        link.member
        for link in FamilyLink.objects.filter(owner=owner, status=FamilyLink.Status.ACTIVE).select_related("member")
    ]
    investors = [owner, *members]
    holdings = _open_holdings(investors)
    value = sum((h.value for h in holdings), ZERO)
    invested = sum((h.invested for h in holdings), ZERO)
    return {
        "title": "Family portfolio statement",
        "subtitle": f"As of {timezone.localdate():%d-%b-%Y} - {len(investors)} member(s) who consented",
        "figures": [
            ("Family value (Rs)", inr(value)),
            ("Invested (Rs)", inr(invested)),
            ("Unrealised gain (Rs)", inr(value - invested)),
            ("Members", ", ".join(i.full_name for i in investors)[:80]),
        ],
        "tables": [_holdings_table(holdings, title="Holdings of the family", with_owner=True)],
    }


def _transactions(statement: Statement, progress=None) -> dict:
    lines = (
        Transaction.objects.filter(
            investor=statement.investor, trade_date__range=(statement.period_from, statement.period_to)
        )
        .select_related("scheme", "folio", "holding")
        .order_by("trade_date", "id")
    )
    rows = []
    money_in = money_out = ZERO
    for line in lines.iterator(chunk_size=2000):
        name = line.scheme.name if line.scheme_id else line.holding.source_name
        rows.append(
            [
                f"{line.trade_date:%d-%b-%Y}",
                name[:58],
                line.folio.folio_number,
                line.get_kind_display(),
                units(line.units) if line.units else "",
                inr(line.nav, places=4) if line.nav is not None else "",
                inr(line.amount),
            ]
        )
        if line.cash_flow < 0:
            money_in -= line.cash_flow
        else:
            money_out += line.cash_flow
    return {
        "title": "Transaction statement",
        "subtitle": f"{statement.period_from:%d-%b-%Y} to {statement.period_to:%d-%b-%Y}",
        "figures": [
            ("Transactions", str(len(rows))),
            ("Paid in (Rs)", inr(money_in)),
            ("Paid out (Rs)", inr(money_out)),
        ],
        "tables": [
            TableBlock(
                "Transactions",
                ["Date", "Scheme", "Folio", "Type", "Units", "NAV", "Amount (Rs)"],
                rows,
                numeric=frozenset({4, 5, 6}),
                widths=[0.1, 0.38, 0.12, 0.12, 0.09, 0.09, 0.1],
            )
        ],
    }


def _capital_gains(statement: Statement) -> dict:
    report = capital_gains_get(investor=statement.investor, financial_year=statement.financial_year)
    summary = report.summary
    lot_rows = [
        [
            lot.scheme_name[:44],
            lot.folio,
            f"{lot.buy_date:%d-%b-%Y}",
            f"{lot.sell_date:%d-%b-%Y}",
            units(lot.units),
            inr(lot.purchase_value),
            inr(lot.fmv_31jan2018),
            inr(lot.cost_used),
            inr(lot.sale_value),
            inr(lot.gain),
            lot.term,
            lot.section.value,
            f"{lot.rate}%" if lot.rate is not None else "slab",
        ]
        for lot in report.lots
    ]
    summary_rows = [
        [
            row.section.value,
            row.term,
            f"{row.rate}%" if row.rate is not None else "slab",
            inr(row.sale_value),
            inr(row.cost),
            inr(row.net),
            inr(row.exemption),
            inr(row.taxable),
            inr(row.tax) if row.tax is not None else "at slab",
        ]
        for row in summary.rows
    ]
    idcw_rows = [[f"{i.date:%d-%b-%Y}", i.scheme_name[:60], i.folio, inr(i.amount)] for i in report.idcw]
    return {
        "title": "Capital gains statement",
        "subtitle": f"Financial year {report.financial_year} (assessment year "
        f"{int(report.financial_year[:4]) + 1}-{(int(report.financial_year[:4]) + 2) % 100:02d})",
        "figures": [
            ("Tax estimated at fixed rates (Rs)", inr(summary.tax_estimated)),
            (
                "Sec 112A exemption used (Rs)",
                f"{inr(summary.exemption_112a_used)} of {inr(summary.exemption_112a_limit)}",
            ),
            ("Gains at slab rate (Rs)", inr(summary.slab_gains)),
            ("IDCW income (Rs)", inr(report.idcw_total)),
        ],
        "tables": [
            TableBlock(
                "Summary by section",
                ["Section", "Term", "Rate", "Sale value", "Cost", "Net gain", "Exemption", "Taxable", "Tax"],
                summary_rows,
                numeric=frozenset(range(3, 9)),
            ),
            TableBlock(
                "Lots sold (FIFO)",
                [
                    "Scheme",
                    "Folio",
                    "Bought",
                    "Sold",
                    "Units",
                    "Purchase",
                    "FMV 31-Jan-18",
                    "Cost used",
                    "Sale value",
                    "Gain",
                    "Term",
                    "Section",
                    "Rate",
                ],  # fmt: skip
                lot_rows,
                numeric=frozenset(range(4, 10)),
                widths=[0.2, 0.08, 0.07, 0.07, 0.06, 0.07, 0.07, 0.07, 0.07, 0.07, 0.05, 0.05, 0.05],
            ),
            TableBlock(
                "IDCW paid out (income at slab rate)",
                ["Date", "Scheme", "Folio", "Amount (Rs)"],
                idcw_rows,
                numeric=frozenset({3}),
            ),  # fmt: skip
        ],
        "notes": summary.warnings,
    }


_BUILDERS = {
    StatementKind.PORTFOLIO: _portfolio,
    StatementKind.TRANSACTIONS: _transactions,
    StatementKind.CAPITAL_GAINS: _capital_gains,
    StatementKind.FAMILY: _family,
}


def statement_document_build(*, statement: Statement, brand: Brand | None = None) -> StatementDocument:
    content = _BUILDERS[StatementKind(statement.kind)](statement)
    investor = statement.investor
    detail = " - ".join(x for x in (f"PAN {investor.masked_pan}" if investor.pan else "", investor.email) if x)
    return StatementDocument(
        title=content["title"],
        subtitle=content["subtitle"],
        brand=brand or brand_for_current_tenant(),
        investor_name=investor.full_name,
        investor_detail=detail,
        generated_at=_now(),
        figures=content.get("figures", ()),
        tables=content.get("tables", ()),
        notes=content.get("notes", ()),
    )


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year - 1, today.month, 1), today
