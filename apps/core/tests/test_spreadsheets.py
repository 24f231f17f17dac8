"""CSV cells a spreadsheet opens as text: formula starts are neutralised, everything else is unchanged."""

import pytest

from apps.core.spreadsheets import csv_cell_safe


@pytest.mark.parametrize("value", ["=HYPERLINK(1)", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_become_text(value):
    assert csv_cell_safe(value) == f"'{value}"


@pytest.mark.parametrize(("value", "cell"), [(None, ""), ("Asha Rao", "Asha Rao"), (1500, "1500"), ("a=b", "a=b")])
def test_other_values_are_unchanged(value, cell):
    assert csv_cell_safe(value) == cell
