"""Goal arithmetic: inflation on the target, growth of holdings and SIPs, and the SIP still needed."""

from datetime import date
from decimal import Decimal

from apps.goals.projection import LinkedHolding, LinkedSip, goal_project, months_between, new_sip_return

D = Decimal


def project(**kwargs):
    defaults = {
        "target_amount": D("1000000"),
        "inflation": D("6"),
        "today": date(2026, 1, 1),
        "target_date": date(2036, 1, 1),
        "holdings": [],
        "sips": [],
        "sip_return": D("12"),
    }
    return goal_project(**{**defaults, **kwargs})


def test_the_target_grows_with_inflation():
    result = project()
    assert result.months_left == 120
    assert result.target_future == D("1790847.70")  # 10,00,000 x 1.06^10


def test_holdings_grow_and_a_sip_closes_the_gap():
    result = project(holdings=[LinkedHolding(value=D("500000"), annual_return=D("12"))])

    assert result.projected_holdings == D("1552924.10")  # 5,00,000 x 1.12^10
    assert result.shortfall == D("237923.59")
    # an annuity due at 12% a year (0.9489% a month) for 120 months grows 1 a month to 224.04
    assert result.monthly_sip_needed == D("1061.99")
    assert not result.on_track and result.progress_percent == D("86.71")


def test_a_sip_that_ends_early_keeps_growing_until_the_target_date():
    short = project(sips=[LinkedSip(monthly_amount=D("10000"), months_left=60, annual_return=D("12"))])
    full = project(sips=[LinkedSip(monthly_amount=D("10000"), months_left=120, annual_return=D("12"))])

    # 60 instalments grow to 8,11,034 in five years, then five more years at 12%
    assert short.projected_sips == D("1429322.77")
    assert full.projected_sips == D("2240358.90")
    assert full.on_track and full.monthly_sip_needed == 0 and full.progress_percent == 100


def test_a_goal_whose_date_has_come_needs_a_lump_sum():
    result = project(target_date=date(2025, 6, 1), holdings=[LinkedHolding(value=D("400000"), annual_return=D("12"))])
    assert result.months_left == 0 and result.target_future == D("1000000.00")
    assert result.shortfall == D("600000.00") and result.monthly_sip_needed == D("600000.00")


def test_new_money_goes_by_horizon_and_months_are_whole():
    assert new_sip_return(months_left=60, equity=D("12"), hybrid=D("9"), debt=D("7")) == D("12")
    assert new_sip_return(months_left=36, equity=D("12"), hybrid=D("9"), debt=D("7")) == D("9")
    assert new_sip_return(months_left=35, equity=D("12"), hybrid=D("9"), debt=D("7")) == D("7")
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 0
    assert months_between(date(2026, 1, 15), date(2026, 3, 15)) == 2
