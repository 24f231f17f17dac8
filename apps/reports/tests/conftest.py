import itertools
from datetime import date
from decimal import Decimal

import pytest

_seq = itertools.count(1)


@pytest.fixture
def make_scheme(db):
    from apps.funds.models import Amc, Scheme

    def make(*, nav: str = "10", **fields):
        n = next(_seq)
        amc, _ = Amc.objects.get_or_create(name="Reports Test AMC Mutual Fund", defaults={"code": "reports-test-amc"})
        defaults = {
            "amfi_code": f"8{n:05d}",
            "isin_growth": f"INFR{n:07d}X",
            "name": f"Reports Scheme {n} - Direct Plan - Growth",
            "amc": amc,
            "category": "Equity Scheme - Large Cap Fund",
            "plan": Scheme.Plan.DIRECT,
            "option": Scheme.Option.GROWTH,
            "asset_class": Scheme.AssetClass.EQUITY,
            "latest_nav": Decimal(nav),
            "latest_nav_date": date(2026, 8, 18),
        }
        defaults.update(fields)
        return Scheme.objects.create(**defaults)

    return make


@pytest.fixture
def make_investor(db):
    from apps.accounts.models import Investor
    from apps.users.models import User

    def make(*, name: str | None = None):
        n = next(_seq)
        user = User.objects.create_user(email=f"reports-inv{n}@example.com", password=None)
        return Investor.objects.create(
            user=user, full_name=name or f"Investor {n}", email=user.email, mobile=f"97{n:08d}"
        )

    return make


@pytest.fixture
def record_line():
    from apps.portfolio.services import transaction_record

    def record(investor, scheme, kind, day, amount, units, ref, folio="F1"):
        return transaction_record(
            investor=investor,
            scheme=scheme,
            folio_number=folio,
            kind=kind,
            trade_date=day,
            amount=Decimal(amount),
            units=Decimal(units),
            nav=abs(Decimal(amount) / Decimal(units)) if Decimal(units) else None,
            source="order",
            source_ref=f"{ref}-{next(_seq)}",
        )

    return record


@pytest.fixture
def ledger(in_alpha, make_investor, make_scheme, record_line):
    """Asha's ledger across the dates where the law changed; Bala, a second investor, sold too.

    - equity A: 100 units bought 1-Jun-2017 at 10 (NAV 15 on 31-Jan-2018); 60 sold 10-Sep-2024 at 30
      (STT 1.80), 40 switched out 5-May-2024 at 28
    - debt: 1,000 units bought 1-Jun-2023 at 10 with Rs 0.50 stamp duty, sold 3-Jun-2024 at 10.70 (50AA)
    - debt (older): 500 units bought 15-Jun-2021 at 20, sold 22-Jul-2024 at 25 (indexed, 20%)
    - equity B: IDCW payout of 250 on 1-Oct-2024, TDS 25"""
    from apps.funds.models import NavHistory

    asha, bala = make_investor(name="Asha"), make_investor(name="Bala")
    equity = make_scheme(nav="32")
    debt = make_scheme(nav="10.9", category="Debt Scheme - Short Duration Fund", asset_class="debt")
    old_debt = make_scheme(nav="26", category="Debt Scheme - Corporate Bond Fund", asset_class="debt")
    equity_b = make_scheme(nav="50")
    NavHistory.objects.create(scheme=equity, date=date(2018, 1, 31), nav=Decimal("15"))

    record_line(asha, equity, "purchase", date(2017, 6, 1), "1000", "100", "a1")
    record_line(asha, equity, "switch_out", date(2024, 5, 5), "-1120", "-40", "a2")
    record_line(asha, equity_b, "switch_in", date(2024, 5, 5), "1120", "22.4", "a3")
    record_line(asha, equity, "redemption", date(2024, 9, 10), "-1800", "-60", "a4")
    record_line(asha, equity, "stt", date(2024, 9, 10), "1.80", "0", "a5")
    record_line(asha, debt, "purchase", date(2023, 6, 1), "10000", "1000", "a6")
    record_line(asha, debt, "stamp_duty", date(2023, 6, 1), "0.50", "0", "a7")
    record_line(asha, debt, "redemption", date(2024, 6, 3), "-10700", "-1000", "a8")
    record_line(asha, old_debt, "purchase", date(2021, 6, 15), "10000", "500", "a9")
    record_line(asha, old_debt, "redemption", date(2024, 7, 22), "-12500", "-500", "a10")
    record_line(asha, equity_b, "dividend_payout", date(2024, 10, 1), "250", "0", "a11")
    record_line(asha, equity_b, "tds", date(2024, 10, 1), "25", "0", "a12")

    record_line(bala, equity, "purchase", date(2022, 1, 3), "5000", "500", "b1")
    record_line(bala, equity, "redemption", date(2024, 8, 1), "-6000", "-200", "b2")
    return {"asha": asha, "bala": bala, "equity": equity, "debt": debt, "old_debt": old_debt, "equity_b": equity_b}
