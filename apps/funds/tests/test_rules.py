"""Normalisation rules: category lines, asset class, plan and option from AMFI's texts, ISINs, returns."""

from datetime import date
from decimal import Decimal

import pytest

from apps.funds.categories import category_parse
from apps.funds.models import Scheme
from apps.funds.naming import isin_check_digit, isin_is_valid, option_from_text, plan_from_text, plan_option_from_name
from apps.funds.selectors import months_before, trailing_return_pct

P, Op, A = Scheme.Plan, Scheme.Option, Scheme.AssetClass


@pytest.mark.parametrize(
    ("line", "category", "sub_category", "open_ended", "asset_class", "liquid", "lock_in"),
    [
        (
            "Open Ended Schemes(Equity Scheme - Large Cap Fund)",
            "Equity Scheme",
            "Large Cap Fund",
            True,
            A.EQUITY,
            False,
            0,
        ),
        (
            "Open Ended Schemes( Equity Scheme - Flexi Cap Fund)",
            "Equity Scheme",
            "Flexi Cap Fund",
            True,
            A.EQUITY,
            False,
            0,
        ),
        (
            "Open Ended Schemes(Equity Schemes - ELSS- Tax Saver Fund)",
            "Equity Schemes",
            "ELSS- Tax Saver Fund",
            True,
            A.EQUITY,
            False,
            1095,
        ),
        ("Open Ended Schemes(Debt Scheme - Liquid Fund)", "Debt Scheme", "Liquid Fund", True, A.DEBT, True, 0),
        (
            "Open Ended Schemes(Income/Debt Oriented Schemes - Overnight Fund)",
            "Income/Debt Oriented Schemes",
            "Overnight Fund",
            True,
            A.DEBT,
            True,
            0,
        ),
        (
            "Open Ended Schemes(Hybrid Scheme - Arbitrage Fund)",
            "Hybrid Scheme",
            "Arbitrage Fund",
            True,
            A.EQUITY,
            False,
            0,
        ),
        (
            "Open Ended Schemes(Hybrid Scheme - Conservative Hybrid Fund)",
            "Hybrid Scheme",
            "Conservative Hybrid Fund",
            True,
            A.DEBT,
            False,
            0,
        ),
        (
            "Open Ended Schemes(Hybrid Scheme - Balanced Hybrid Fund)",
            "Hybrid Scheme",
            "Balanced Hybrid Fund",
            True,
            A.HYBRID,
            False,
            0,
        ),
        (
            "Open Ended Schemes(Exchange Traded Funds (ETFs) - Gold ETF)",
            "Exchange Traded Funds (ETFs)",
            "Gold ETF",
            True,
            A.OTHER,
            False,
            0,
        ),
        ("Open Ended Schemes(Other Scheme - FoF Overseas)", "Other Scheme", "FoF Overseas", True, A.OTHER, False, 0),
        (
            "Close Ended Schemes(Income/Debt Oriented Schemes - Fixed Term Plan)",
            "Income/Debt Oriented Schemes",
            "Fixed Term Plan",
            False,
            A.DEBT,
            False,
            0,
        ),
        ("Interval Fund Schemes(Income)", "Income", "", False, A.DEBT, False, 0),
        (
            "Open Ended Schemes ( Equity Scheme - Flexi Cap Fund )",
            "Equity Scheme",
            "Flexi Cap Fund",
            True,
            A.EQUITY,
            False,
            0,
        ),
        ("Open Ended Schemes(Growth)", "Growth", "", True, A.EQUITY, False, 0),
        ("Open Ended Schemes(Balanced)", "Balanced", "", True, A.HYBRID, False, 0),
        ("Open Ended Schemes(Liquid)", "Liquid", "", True, A.DEBT, True, 0),
    ],
)
def test_category_lines(line, category, sub_category, open_ended, asset_class, liquid, lock_in):
    parsed = category_parse(line)
    assert (parsed.category, parsed.sub_category, parsed.is_open_ended) == (category, sub_category, open_ended)
    assert (parsed.asset_class(name="any"), parsed.is_liquid, parsed.lock_in_days) == (asset_class, liquid, lock_in)


def test_generic_index_funds_are_classed_by_name():
    index = category_parse("Open Ended Schemes(Other Scheme - Index Funds)")
    assert index.asset_class(name="UTI Nifty 50 Index Fund - Direct Plan - Growth") == A.EQUITY
    assert index.asset_class(name="Bandhan CRISIL IBX Gilt June 2027 Index Fund - Growth") == A.DEBT
    assert index.asset_class(name="Motilal Oswal Nasdaq 100 FOF - Growth") == A.OTHER


@pytest.mark.parametrize("line", ["Aditya Birla Sun Life Mutual Fund", "", "Open Ended Schemes"])
def test_not_category_lines(line):
    assert category_parse(line) is None


@pytest.mark.parametrize(
    ("name", "plan", "option"),
    [
        ("Aditya Birla Sun Life Banking & PSU Debt Fund  - DIRECT - IDCW", P.DIRECT, Op.IDCW),
        ("Aditya Birla Sun Life Dividend Yield Fund - Growth - Regular Plan", P.REGULAR, Op.GROWTH),
        ("NIPPON INDIA GROWTH MID CAP FUND - DIRECT Plan - IDCW Option", P.DIRECT, Op.IDCW),
        ("Aditya Birla Sun Life Regular Savings Fund - Direct Plan - Growth", P.DIRECT, Op.GROWTH),
        ("Nippon India Large Cap Fund - Direct Plan Growth Plan - Bonus Option", P.DIRECT, Op.BONUS),
        ("Axis Banking & PSU Debt Fund - Direct Plan - Daily IDCW", P.DIRECT, Op.IDCW),
        (
            "TATA Ultra Short Term Fund-Regular Plan - Monthly Payout of Income Distribution cum capital "
            "withdrawal option ",
            P.REGULAR,
            Op.IDCW_PAYOUT,
        ),
        (
            "Kotak Floating Rate Fund-Regular Plan-Standard Reinvestment of Income Distribution cum capital "
            "withdrawal option",
            P.REGULAR,
            Op.IDCW_REINVEST,
        ),
        (
            "Sundaram Multi Cap Fund (Formerly Known as Principal Multi Cap Growth Fund) - Direct Plan - IDCW",
            P.DIRECT,
            Op.IDCW,
        ),
        ("ICICI Prudential Banking and PSU Debt Fund Retail Growth", P.UNKNOWN, Op.GROWTH),
        ("Franklin India Corporate Debt Fund", P.UNKNOWN, Op.UNKNOWN),
        ("Kotak Aggressive Hybrid Fund - Direct Plan - IDCW - Payout & Reinvestment", P.DIRECT, Op.IDCW),
        ("HSBC Liquid Fund -  Growth Direct", P.DIRECT, Op.GROWTH),
    ],
)
def test_plan_and_option_from_six_column_names(name, plan, option):
    assert plan_option_from_name(name) == (plan, option)


@pytest.mark.parametrize(
    ("text", "plan", "option"),
    [
        ("Direct Plan", P.DIRECT, Op.UNKNOWN),
        ("Regular Plan", P.REGULAR, Op.UNKNOWN),
        ("IDCW-Re-investment", P.UNKNOWN, Op.IDCW_REINVEST),
        ("MONTHLY DCW Payout", P.UNKNOWN, Op.IDCW_PAYOUT),
        ("Growth Option\t", P.UNKNOWN, Op.GROWTH),
        ("Cumulative", P.UNKNOWN, Op.GROWTH),
        ("IDWC Option", P.UNKNOWN, Op.IDCW),
        ("IDCW (Payout/Reinvestment)", P.UNKNOWN, Op.IDCW),
        ("Payout of Income Distribution cum capital withdrawal option- Direct", P.DIRECT, Op.IDCW_PAYOUT),
        ("Unclaimed Redemption Less than 3 years", P.UNKNOWN, Op.UNKNOWN),
        ("", P.UNKNOWN, Op.UNKNOWN),
    ],
)
def test_plan_and_option_columns(text, plan, option):
    assert (plan_from_text(text), option_from_text(text)) == (plan, option)


def test_isin_check_digit():
    assert isin_is_valid("INF209KA12Z1") and isin_is_valid("INF846K01CR6") and isin_is_valid("US0378331005")
    assert not isin_is_valid("INF204KO1HK2")  # letter O for zero: AMFI's typo
    assert not isin_is_valid("INF209K0115X") and not isin_is_valid("HDFCNIVODG") and not isin_is_valid("-")
    assert isin_check_digit("INF209K0115") == "7"


def test_months_before_clamps_to_month_end():
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2026, 1, 15), 60) == date(2021, 1, 15)


def test_returns_in_decimal():
    assert trailing_return_pct(start_nav=Decimal("100"), end_nav=Decimal("112.345"), days=365, annualised=False) == (
        Decimal("12.35")
    )
    # 1.331 over exactly three 365-day years is 10% a year
    assert trailing_return_pct(start_nav=Decimal("100"), end_nav=Decimal("133.1"), days=1095, annualised=True) == (
        Decimal("10.00")
    )
    assert trailing_return_pct(start_nav=Decimal("20"), end_nav=Decimal("10"), days=30, annualised=False) == Decimal(
        "-50.00"
    )
