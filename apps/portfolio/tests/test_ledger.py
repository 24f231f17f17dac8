from datetime import date
from decimal import Decimal

import pytest

from apps.core.exceptions import ApplicationError, ConflictError
from apps.portfolio.models import Holding, InvestorValuation, Lot, LotDisposal, Tombstone, Transaction
from apps.portfolio.selectors import units_free_for_redemption
from apps.portfolio.services import transaction_delete, transaction_record
from tests.factories import InvestorFactory

D = Decimal


def record(investor, scheme, kind, day, amount, units, ref, folio="F1", nav=None, source="order"):
    return transaction_record(
        investor=investor,
        scheme=scheme,
        folio_number=folio,
        kind=kind,
        trade_date=day,
        amount=D(amount),
        units=D(units),
        nav=D(nav) if nav else None,
        source=source,
        source_ref=ref,
    )


def test_record_creates_folio_holding_lot_and_valuation(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme(nav="12")

    line = record(investor, scheme, "purchase", date(2026, 1, 5), "1000", "100", "o-1", nav="10")

    holding = Holding.objects.get(investor=investor)
    assert line.holding_id == holding.pk and line.folio.folio_number == "F1"
    assert line.folio.amc_id == scheme.amc_id
    assert line.cash_flow == D("-1000.00")
    assert holding.units == D("100") and holding.invested == D("1000.00")
    assert holding.value == D("1200.00") and holding.unrealised_gain == D("200.00")
    assert holding.nav_date == scheme.latest_nav_date and not holding.valuation_stale
    assert Lot.objects.get(holding=holding).units_remaining == D("100")
    valuation = InvestorValuation.objects.get(investor=investor)
    assert valuation.value == D("1200.00") and valuation.invested == D("1000.00")
    assert valuation.holdings_count == 1 and valuation.version == 1
    assert valuation.xirr is not None and valuation.xirr > 0


def test_record_is_idempotent_on_source_and_ref(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme()
    first = record(investor, scheme, "purchase", date(2026, 1, 5), "1000", "100", "o-2")

    again = record(investor, scheme, "purchase", date(2026, 1, 5), "1000", "100", "o-2")

    assert again.pk == first.pk
    assert Transaction.objects.filter(investor=investor).count() == 1
    assert Holding.objects.get(investor=investor).units == D("100")
    # the same reference from another source is another line
    record(investor, scheme, "purchase", date(2026, 1, 5), "1000", "100", "o-2", source="rta")
    assert Holding.objects.get(investor=investor).units == D("200")


def test_source_ref_of_another_investor_conflicts(in_alpha, make_scheme):
    scheme = make_scheme()
    record(InvestorFactory(), scheme, "purchase", date(2026, 1, 5), "1000", "100", "o-3")
    with pytest.raises(ConflictError):
        record(InvestorFactory(), scheme, "purchase", date(2026, 1, 5), "1000", "100", "o-3")


def test_fifo_redemption_realises_gain_against_oldest_lots(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme(nav="20")
    record(investor, scheme, "purchase", date(2025, 1, 1), "1000", "100", "a", nav="10")
    record(investor, scheme, "sip", date(2025, 2, 1), "1500", "100", "b", nav="15")
    record(investor, scheme, "stamp_duty", date(2025, 2, 1), "0.08", "0", "b-sd")

    # 150 units at 18: the first lot whole, half of the second
    line = record(investor, scheme, "redemption", date(2025, 6, 1), "-2700", "-150", "c", nav="18")

    holding = Holding.objects.get(investor=investor)
    disposals = list(LotDisposal.objects.filter(transaction=line).order_by("lot__acquired_on"))
    assert [d.units for d in disposals] == [D("100"), D("50")]
    assert [d.cost for d in disposals] == [D("1000.00"), D("750.04")]
    assert holding.realised_gain == D("2700") - D("1000") - D("750.04")
    assert holding.units == D("50") and holding.invested == D("750.04")
    assert holding.value == D("1000.00")
    assert line.cash_flow == D("2700.00")


def test_out_of_order_lines_are_replayed_in_trade_order(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme(nav="10")
    record(investor, scheme, "redemption", date(2025, 3, 1), "-500", "-50", "r", nav="10")
    record(investor, scheme, "purchase", date(2025, 1, 1), "800", "100", "p", nav="8")

    holding = Holding.objects.get(investor=investor)
    assert holding.units == D("50") and holding.invested == D("400.00")
    assert holding.realised_gain == D("100.00") and not holding.cost_incomplete


def test_invalid_lines_are_refused_and_write_nothing(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme()
    with pytest.raises(ApplicationError):
        record(investor, scheme, "redemption", date(2025, 3, 1), "-500", "50", "x1")
    with pytest.raises(ApplicationError):
        record(investor, scheme, "gift", date(2025, 3, 1), "500", "50", "x2")
    with pytest.raises(ApplicationError):
        record(investor, scheme, "purchase", date(2025, 3, 1), "500", "50", "x3", source="fax")
    assert not Transaction.objects.filter(investor=investor).exists()
    assert not Holding.objects.filter(investor=investor).exists()


def test_units_free_for_redemption_respects_lock_in(in_alpha, make_scheme):
    investor = InvestorFactory()
    elss = make_scheme(lock_in_days=1095, category="Equity Scheme - ELSS")
    record(investor, elss, "sip", date(2022, 1, 10), "500", "50", "e1", folio="A")
    record(investor, elss, "sip", date(2023, 1, 10), "500", "40", "e2", folio="A")
    record(investor, elss, "sip", date(2023, 1, 10), "500", "30", "e3", folio="B")

    free = units_free_for_redemption(investor=investor, scheme=elss, folio_number="A", as_of=date(2025, 6, 1))
    assert free == D("50")
    free = units_free_for_redemption(investor=investor, scheme=elss, folio_number=None, as_of=date(2026, 2, 1))
    assert free == D("120")
    free = units_free_for_redemption(investor=investor, scheme=elss, folio_number="A", as_of=date(2025, 1, 8))
    assert free == D("0")
    # 1095 days after 10-Jan-2022 (2024 was a leap year)
    free = units_free_for_redemption(investor=investor, scheme=elss, folio_number="A", as_of=date(2025, 1, 9))
    assert free == D("50")


def test_units_free_counts_only_what_fifo_left(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme()
    record(investor, scheme, "purchase", date(2025, 1, 1), "1000", "100", "f1")
    record(investor, scheme, "redemption", date(2025, 2, 1), "-300", "-30", "f2")
    other = InvestorFactory()
    record(other, scheme, "purchase", date(2025, 1, 1), "1000", "100", "f3")

    assert units_free_for_redemption(investor=investor, scheme=scheme, folio_number="F1", as_of=date(2025, 3, 1)) == D(
        "70"
    )


def test_reversal_of_a_purchase_takes_back_units_and_cost(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme(nav="10")
    record(investor, scheme, "sip", date(2025, 1, 1), "1000", "100", "s1")
    record(investor, scheme, "sip", date(2025, 2, 1), "1000", "100", "s2")
    record(investor, scheme, "reversal", date(2025, 2, 3), "-1000", "-100", "s2-rev")

    holding = Holding.objects.get(investor=investor)
    assert holding.units == D("100") and holding.invested == D("1000.00")
    assert holding.realised_gain == D("0")


def test_delete_leaves_tombstone_and_rebuilds(in_alpha, make_scheme):
    investor = InvestorFactory()
    scheme = make_scheme()
    keep = record(investor, scheme, "purchase", date(2025, 1, 1), "1000", "100", "d1")
    wrong = record(investor, scheme, "purchase", date(2025, 1, 2), "1000", "100", "d2")

    transaction_delete(line=wrong, reason="duplicate")

    holding = Holding.objects.get(investor=investor)
    assert holding.units == D("100")
    assert Tombstone.objects.filter(entity="transaction", public_id=wrong.public_id).exists()
    transaction_delete(line=keep)
    assert not Holding.objects.filter(investor=investor).exists()
    assert Tombstone.objects.filter(entity="holding", public_id=holding.public_id).exists()
