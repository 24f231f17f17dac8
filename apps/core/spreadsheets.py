"""Cells of CSV exports that a spreadsheet opens safely: a value starting with a formula character
(=, +, -, @, tab, carriage return) is prefixed with an apostrophe, so it shows as text and never runs
(CSV/formula injection)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula; None is an empty cell."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text
