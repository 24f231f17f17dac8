from decimal import Decimal

import pytest

from apps.core.money import format_grouped, format_inr, format_inr_short, group_indian


@pytest.mark.parametrize(
    ("digits", "grouped"),
    [("0", "0"), ("999", "999"), ("1000", "1,000"), ("100000", "1,00,000"), ("12345678", "1,23,45,678")],
)
def test_indian_grouping_is_lakh_and_crore(digits, grouped):
    assert group_indian(digits) == grouped


def test_amounts_in_sentences_drop_zero_paise_and_keep_real_paise():
    assert format_inr(Decimal("5000")) == "₹5,000"
    assert format_inr(Decimal("5000.00")) == "₹5,000"
    assert format_inr(Decimal("123456.5")) == "₹1,23,456.50"
    assert format_inr(Decimal("-1500")) == "-₹1,500"
    assert format_inr(Decimal("1500"), places=2) == "₹1,500.00"


def test_grouped_rounds_half_up():
    assert format_grouped(Decimal("1234567.895")) == "12,34,567.90"
    assert format_grouped(Decimal("-0.5"), places=0) == "-1"


@pytest.mark.parametrize(
    ("amount", "short"),
    [
        ("85000", "₹85,000"),
        ("99999.60", "₹1,00,000"),
        ("100000", "₹1.00 L"),
        ("1234567", "₹12.35 L"),
        ("9994999", "₹99.95 L"),
        ("9999999.99", "₹1.00 Cr"),  # never "₹100.00 L"
        ("12690081640", "₹1,269.01 Cr"),
        ("-25000000", "-₹2.50 Cr"),
    ],
)
def test_headline_amounts_read_in_lakh_and_crore(amount, short):
    assert format_inr_short(Decimal(amount)) == short
