import csv
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from apps.portfolio.xirr import cash_flows_with_terminal, xirr_compute, xirr_decimal
from tests.shared_data import shared_data

XIRR_DATA = shared_data("xirr")


def _expected_rows():
    with open(XIRR_DATA / "EXPECTED_xirr.csv", newline="") as handle:
        return [(row["file"], row["expected_xirr"]) for row in csv.DictReader(handle)]


def _flows(path: Path):
    dates, amounts = [], []
    with open(path, newline="") as handle:
        for row in csv.reader(handle):
            if not row or not row[0][:1].isdigit():
                continue
            dates.append(date.fromisoformat(row[0].strip()))
            amounts.append(Decimal(row[1].strip()))
    return dates, amounts


def test_every_oracle_vector_is_listed():
    rows = _expected_rows()
    assert len(rows) == 60
    assert sum(1 for _, expected in rows if expected == "NaN") == 10


@pytest.mark.parametrize(("name", "expected"), _expected_rows())
def test_xirr_reproduces_the_oracle(name, expected):
    dates, amounts = _flows(XIRR_DATA / name)

    rate = xirr_compute(dates, amounts)

    if expected == "NaN":
        assert rate is None
    else:
        assert rate is not None
        assert math.isclose(rate, float(expected), rel_tol=1e-6), (rate, expected)


def test_xirr_reproduces_the_excel_example():
    with open(XIRR_DATA / "excel_doc_xirr_xnpv_example.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(XIRR_DATA / "excel_doc_xirr_xnpv_expected.csv", newline="") as handle:
        expected = next(r for r in csv.DictReader(handle) if r["function"] == "XIRR")["expected"]

    rate = xirr_compute([date.fromisoformat(r["date"]) for r in rows], [Decimal(r["amount"]) for r in rows])

    assert math.isclose(rate, float(expected), rel_tol=1e-6)
    assert math.isclose(rate, 0.373362535, rel_tol=1e-6)


def test_no_sign_change_has_no_rate():
    days = [date(2024, 1, 1), date(2025, 1, 1)]
    assert xirr_compute(days, [Decimal("-100"), Decimal("-5")]) is None
    assert xirr_compute(days[:1], [Decimal("-100")]) is None
    assert xirr_decimal(days, [Decimal("100"), Decimal("5")]) is None


def test_a_year_at_ten_percent():
    days, amounts = cash_flows_with_terminal(
        [(date(2023, 1, 1), Decimal("-1000"))], value=Decimal("1100"), as_of=date(2024, 1, 1)
    )
    assert xirr_decimal(days, amounts) == Decimal("0.10000000")


def test_flows_on_one_day_are_merged_before_solving():
    days, amounts = cash_flows_with_terminal(
        [(date(2023, 1, 1), Decimal("-600")), (date(2023, 1, 1), Decimal("-400"))],
        value=Decimal("1210"),
        as_of=date(2025, 1, 1),
    )
    assert days == [date(2023, 1, 1), date(2025, 1, 1)]
    assert amounts == [Decimal("-1000"), Decimal("1210")]
    assert abs(xirr_decimal(days, amounts) - Decimal("0.1")) < Decimal("0.0002")
