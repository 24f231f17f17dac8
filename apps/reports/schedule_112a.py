"""Schedule 112A of the income-tax return as the CSV the ITR utility imports: one row per sold lot of
long-term equity-oriented units (Sec 112A), in the utility's column order and headers.

From FY 2024-25 the utility has column 1b (transferred before 23-Jul-2024 or on/after), because the rate
changed that day; earlier years' files have the fourteen columns without it. Column 1a says whether the
unit was acquired on or before 31-Jan-2018 ("BE") or after ("AE"); only "BE" rows carry the FMV columns."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from apps.reports.capital_gains import BUDGET_2024, GRANDFATHERING_DATE, ZERO, LotGain, Section

HEADERS = [
    "Share/Unit acquired(1a)",
    "Share/Unit Transferred(1b)",
    "ISIN Code(2)",
    "Name of the Share/Unit(3)",
    "No. of Shares/Units(4)",
    "Sale-price per Share/Unit(5)",
    "Full Value of Consideration(Total Sale Value)(6) = 4 * 5",
    "Cost of acquisition without indexation(7)",
    "Cost of acquisition(8)",
    "If the long term capital asset was acquired before 01.02.2018(9)",
    "Fair Market Value per share/unit as on 31st January 2018(10)",
    "Total Fair Market Value of capital asset as per section 55(2)(ac)(11) = 4 * 10",
    "Expenditure wholly and exclusively in connection with transfer(12)",
    "Total deductions(13) = 7 + 12",
    "Balance(14) = 6 - 13",
]
TRANSFER_COLUMN_FROM_FY = 2024


def _fmt(value: Decimal, places: str = "0.01") -> str:
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def schedule_112a_row(gain: LotGain, *, with_transfer_column: bool) -> list[str]:
    before = gain.buy_date <= GRANDFATHERING_DATE
    sale_value = gain.sale_value
    actual = gain.purchase_value or ZERO
    fmv_total = gain.fmv_31jan2018 if before and gain.fmv_31jan2018 is not None else None
    lower_of_sale_and_fmv = min(sale_value, fmv_total) if fmv_total is not None else ZERO
    cost = max(actual, lower_of_sale_and_fmv)
    expenditure = ZERO  # STT is not deductible; exit loads are already out of the sale value
    row = [
        "BE" if before else "AE",
        "BE" if gain.sell_date < BUDGET_2024 else "AE",
        gain.isin,
        gain.scheme_name,
        _fmt(gain.units, "0.0001"),
        _fmt(sale_value / gain.units, "0.0001") if gain.units else "0",
        _fmt(sale_value),
        _fmt(cost),
        _fmt(actual),
        _fmt(lower_of_sale_and_fmv) if before else "0",
        _fmt(gain.fmv_nav_31jan2018, "0.0001") if fmv_total is not None else "0",
        _fmt(fmv_total) if fmv_total is not None else "0",
        _fmt(expenditure),
        _fmt(cost + expenditure),
        _fmt(sale_value - cost - expenditure),
    ]
    if not with_transfer_column:
        del row[1]
    return row


def schedule_112a_csv(*, gains: list[LotGain], fy_start: int) -> str:
    """The CSV text. Lots without a known cost cannot be reported and are left out (the report says so)."""
    with_transfer = fy_start >= TRANSFER_COLUMN_FROM_FY
    headers = HEADERS if with_transfer else HEADERS[:1] + HEADERS[2:]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for gain in gains:
        if gain.section == Section.LTCG_EQUITY and gain.cost_known:
            writer.writerow(schedule_112a_row(gain, with_transfer_column=with_transfer))
    return out.getvalue()
