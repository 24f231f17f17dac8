"""The capital-gains rules against the CBDT worked examples and the dates where the law changed."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from apps.reports.capital_gains import (
    COST_INFLATION_INDEX,
    CapitalGainsError,
    SaleLot,
    Section,
    TaxClass,
    Term,
    financial_year_parse,
    lot_gain,
    lot_gains,
    months_later,
    year_summary,
)

D = Decimal
TAX_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "tax"


def sale(bought, sold, cost, value, *, asset="equity", units="1", fmv=None, kind="redemption"):
    return SaleLot(
        isin="INF000000001",
        scheme_name="Test Fund",
        folio="F1",
        bought_on=bought,
        sold_on=sold,
        units=D(units),
        purchase_value=None if cost is None else D(cost),
        sale_value=D(value),
        asset_class=asset,
        sale_kind=kind,
        fmv_nav_31jan2018=None if fmv is None else D(fmv),
    )


def _examples():
    with (TAX_DATA / "capital_gains_grandfathering_worked_examples.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", _examples(), ids=lambda row: row["example_id"])
def test_every_cbdt_grandfathering_example(row):
    # the examples give per-unit figures or lot totals: one "unit" at the total works for both
    units = D(row["units"] or "1")
    fmv_nav = D(row["fmv_31jan2018"]) / units

    result = lot_gain(
        sale(
            date.fromisoformat(row["acquisition_date"]),
            date.fromisoformat(row["sale_date"]),
            row["actual_cost"],
            row["sale_value"],
            units=units,
            fmv=fmv_nav,
        )
    )

    assert result.section == Section.LTCG_EQUITY and result.term == Term.LONG and result.grandfathered
    assert result.cost_used == D(row["expected_deemed_cost"])
    assert result.gain == D(row["expected_ltcg"])
    assert result.fmv_31jan2018 == D(row["fmv_31jan2018"])


def test_the_cost_inflation_index_is_the_notified_one():
    with (TAX_DATA / "cost_inflation_index_casparser.csv").open(newline="") as handle:
        notified = {int(row["financial_year"][2:6]): int(row["cii"]) for row in csv.DictReader(handle)}
    assert notified == COST_INFLATION_INDEX


# ------------------------------------------------------------------ equity around 31-Jan-2018


def test_equity_bought_on_31_jan_2018_is_grandfathered_and_on_1_feb_is_not():
    on = lot_gain(sale(date(2018, 1, 31), date(2019, 6, 1), "100", "150", fmv="120"))
    after = lot_gain(sale(date(2018, 2, 1), date(2019, 6, 1), "100", "150", fmv="120"))

    assert on.grandfathered and on.cost_used == D("120") and on.gain == D("30")
    assert not after.grandfathered and after.cost_used == D("100") and after.gain == D("50")
    assert after.fmv_31jan2018 is None


def test_a_missing_31_jan_2018_nav_is_reported_not_guessed():
    result = lot_gain(sale(date(2016, 5, 2), date(2019, 6, 1), "100", "150", fmv=None))

    assert result.fmv_missing and result.fmv_31jan2018 is None
    assert result.cost_used == D("100") and result.gain == D("50")
    summary = year_summary(financial_year="2019-20", gains=[result])
    assert summary.lots_missing_fmv == 1 and any("31-Jan-2018" in w for w in summary.warnings)


def test_long_term_equity_sold_before_1_apr_2018_was_exempt():
    result = lot_gain(sale(date(2016, 5, 2), date(2018, 3, 28), "100", "150", fmv="140"))
    assert result.section == Section.EXEMPT and result.rate == 0 and result.gain == D("50")


def test_equity_holding_period_is_more_than_twelve_months():
    exactly = lot_gain(sale(date(2023, 3, 10), date(2024, 3, 10), "100", "120"))
    one_more_day = lot_gain(sale(date(2023, 3, 10), date(2024, 3, 11), "100", "120"))

    assert exactly.term == Term.SHORT and exactly.section == Section.STCG_EQUITY and exactly.rate == D("15")
    assert one_more_day.term == Term.LONG and one_more_day.section == Section.LTCG_EQUITY
    assert one_more_day.rate == D("10")


def test_equity_rates_change_for_sales_from_23_jul_2024():
    before_st = lot_gain(sale(date(2024, 1, 2), date(2024, 7, 22), "100", "120"))
    from_st = lot_gain(sale(date(2024, 1, 2), date(2024, 7, 23), "100", "120"))
    before_lt = lot_gain(sale(date(2022, 1, 2), date(2024, 7, 22), "100", "120"))
    from_lt = lot_gain(sale(date(2022, 1, 2), date(2024, 7, 23), "100", "120"))

    assert (before_st.rate, from_st.rate) == (D("15"), D("20"))
    assert (before_lt.rate, from_lt.rate) == (D("10"), D("12.5"))


# ------------------------------------------------------------------ non-equity around 1-Apr-2023 and 23-Jul-2024


def test_debt_bought_before_1_apr_2023_sold_on_both_sides_of_23_jul_2024():
    bought = date(2021, 6, 15)  # FY 2021-22, CII 317
    # 22-Jul-2024: held 37 months > 36: long term, 20% with indexation (FY 2024-25, CII 363)
    before = lot_gain(sale(bought, date(2024, 7, 22), "10000", "12500", asset="debt"))
    # 23-Jul-2024: long term after 24 months, 12.5% without indexation
    after = lot_gain(sale(bought, date(2024, 7, 23), "10000", "12500", asset="debt"))

    assert before.term == Term.LONG and before.section == Section.LTCG_OTHER and before.rate == D("20")
    assert before.indexed_cost == D("11451.10")  # 10000 * 363 / 317
    assert before.cost_used == D("11451.10") and before.gain == D("1048.90")
    assert after.term == Term.LONG and after.rate == D("12.5") and after.indexed_cost is None
    assert after.cost_used == D("10000.00") and after.gain == D("2500.00")


def test_debt_held_thirty_months_is_short_before_23_jul_2024_and_long_after():
    before = lot_gain(sale(date(2022, 1, 10), date(2024, 7, 10), "100", "110", asset="debt"))
    after = lot_gain(sale(date(2022, 1, 10), date(2024, 7, 24), "100", "110", asset="debt"))

    assert before.term == Term.SHORT and before.section == Section.SLAB and before.rate is None
    assert after.term == Term.LONG and after.section == Section.LTCG_OTHER


def test_debt_bought_on_1_apr_2023_is_50aa_whatever_the_holding_period():
    on = lot_gain(sale(date(2023, 4, 1), date(2026, 6, 1), "100", "130", asset="debt"))
    day_before = lot_gain(sale(date(2023, 3, 31), date(2026, 6, 1), "100", "130", asset="debt"))

    assert on.section == Section.SPECIFIED and on.term == Term.SHORT and on.rate is None and on.gain == D("30")
    assert on.tax_class_at_purchase == TaxClass.SPECIFIED == on.tax_class_at_sale
    assert day_before.section == Section.LTCG_OTHER and day_before.term == Term.LONG


def test_the_50aa_definition_changes_in_fy_2025_26_for_funds_that_are_not_mostly_debt():
    # a gold fund of funds: at most 35% domestic equity (specified until FY 2024-25), not mostly debt
    sold_fy25 = lot_gain(sale(date(2023, 5, 2), date(2025, 3, 28), "100", "130", asset="other"))
    sold_fy26 = lot_gain(sale(date(2023, 5, 2), date(2025, 6, 2), "100", "130", asset="other"))

    assert sold_fy25.section == Section.SPECIFIED
    assert sold_fy26.tax_class_at_purchase == TaxClass.SPECIFIED
    assert sold_fy26.tax_class_at_sale == TaxClass.NON_EQUITY
    assert sold_fy26.term == Term.LONG and sold_fy26.section == Section.LTCG_OTHER and sold_fy26.rate == D("12.5")


def test_hybrid_funds_are_never_specified():
    result = lot_gain(sale(date(2023, 5, 2), date(2024, 3, 1), "100", "110", asset="hybrid"))
    assert result.tax_class_at_sale == TaxClass.NON_EQUITY and result.section == Section.SLAB


def test_a_switch_is_a_sale():
    result = lot_gain(sale(date(2023, 1, 2), date(2024, 6, 3), "100", "140", kind="switch_out"))
    assert result.sale_kind == "switch_out" and result.section == Section.LTCG_EQUITY and result.gain == D("40")


def test_a_lot_without_cost_has_no_gain_and_is_counted():
    result = lot_gain(sale(date(2023, 1, 2), date(2024, 6, 3), None, "140"))
    summary = year_summary(financial_year="2024-25", gains=[result])
    assert result.gain is None and not result.cost_known
    assert summary.lots_without_cost == 1 and summary.rows == []


def test_a_sale_before_the_purchase_is_refused():
    with pytest.raises(CapitalGainsError, match="before it was bought"):
        lot_gain(sale(date(2024, 1, 2), date(2023, 6, 3), "100", "140"))


# ------------------------------------------------------------------ the year's summary


def test_the_112a_exemption_is_shared_across_the_sales_of_a_year():
    # FY 2024-25: 90,000 gained at 10% (before 23-Jul) and 60,000 at 12.5% (after); one 1.25 lakh exemption
    gains = lot_gains(
        [
            sale(date(2020, 1, 2), date(2024, 5, 6), "100000", "190000"),
            sale(date(2020, 1, 2), date(2024, 9, 6), "100000", "160000"),
        ]
    )

    summary = year_summary(financial_year="2024-25", gains=gains)

    ltcg = {row.rate: row for row in summary.rows if row.section == Section.LTCG_EQUITY}
    assert summary.exemption_112a_limit == D("125000") and summary.exemption_112a_used == D("125000")
    # the exemption goes to the 12.5% gains first: all 60,000 of them, then 65,000 of the 10% ones
    assert ltcg[D("12.5")].exemption == D("60000") and ltcg[D("12.5")].taxable == 0 and ltcg[D("12.5")].tax == 0
    assert ltcg[D("10")].exemption == D("65000") and ltcg[D("10")].taxable == D("25000")
    assert summary.tax_estimated == D("2500.00")


def test_losses_reduce_gains_of_the_same_section_and_slab_gains_are_not_taxed():
    gains = lot_gains(
        [
            sale(date(2022, 1, 2), date(2023, 5, 6), "300000", "500000"),  # 112A +200,000 at 10%
            sale(date(2022, 1, 2), date(2023, 6, 6), "100000", "60000"),  # 112A -40,000
            sale(date(2023, 1, 2), date(2023, 6, 6), "10000", "12000"),  # 111A +2,000 at 15%
            sale(date(2023, 4, 2), date(2023, 6, 6), "10000", "10500", asset="debt"),  # 50AA +500
        ]
    )

    summary = year_summary(financial_year="2023-24", gains=gains)

    by_section = {row.section: row for row in summary.rows}
    ltcg = by_section[Section.LTCG_EQUITY]
    assert (ltcg.gains, ltcg.losses, ltcg.net) == (D("200000"), D("40000"), D("160000"))
    assert summary.exemption_112a_limit == D("100000") and ltcg.taxable == D("60000") and ltcg.tax == D("6000.00")
    assert by_section[Section.STCG_EQUITY].tax == D("300.00")
    assert by_section[Section.SPECIFIED].tax is None and summary.slab_gains == D("500")
    assert summary.tax_estimated == D("6300.00")
    assert [row.section for row in summary.rows] == [Section.STCG_EQUITY, Section.LTCG_EQUITY, Section.SPECIFIED]


def test_a_loss_at_one_rate_offsets_gains_at_the_other_rate_in_the_same_section():
    gains = lot_gains(
        [
            sale(date(2020, 1, 2), date(2024, 5, 6), "100000", "80000"),  # -20,000 at 10%
            sale(date(2020, 1, 2), date(2024, 9, 6), "100000", "300000"),  # +200,000 at 12.5%
        ]
    )
    summary = year_summary(financial_year="2024-25", gains=gains)
    ltcg = {row.rate: row for row in summary.rows}
    assert ltcg[D("10")].net == 0 and ltcg[D("12.5")].net == D("180000")
    assert ltcg[D("12.5")].taxable == D("55000") and summary.tax_estimated == D("6875.00")


def test_a_lot_of_another_year_is_refused_by_the_summary():
    gains = lot_gains([sale(date(2020, 1, 2), date(2024, 5, 6), "1", "2")])
    with pytest.raises(CapitalGainsError, match="not in FY 2023-24"):
        year_summary(financial_year="2023-24", gains=gains)


@pytest.mark.parametrize("label", ["2024", "2024-26", "24-25", "abcd-ef", "2024-2025"])
def test_financial_year_labels_are_checked(label):
    with pytest.raises(CapitalGainsError, match="2024-25"):
        financial_year_parse(label)


def test_months_later_keeps_to_the_end_of_short_months():
    assert months_later(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert months_later(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert months_later(date(2021, 7, 23), 36) == date(2024, 7, 23)
