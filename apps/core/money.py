"""Rupees for people: Indian digit grouping (lakh and crore) for pages, PDFs and messages."""

from decimal import ROUND_HALF_UP, Decimal


def group_indian(integer_digits: str) -> str:
    """12345678 -> 1,23,45,678."""
    if len(integer_digits) <= 3:
        return integer_digits
    head, tail = integer_digits[:-3], integer_digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


def format_grouped(value: Decimal, *, places: int | None = 2) -> str:
    """1234567.891 -> 12,34,567.89; `places=None` keeps paise only when there are any (5000 -> 5,000,
    5000.5 -> 5,000.50)."""
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    quantum = Decimal(1).scaleb(-places)
    text = f"{abs(value).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{group_indian(whole)}" + (f".{fraction}" if fraction else "")


def format_inr(value: Decimal, *, places: int | None = None) -> str:
    """₹5,000 or ₹1,23,456.50: the way an amount reads in a sentence ("at least ₹5,000")."""
    text = format_grouped(value, places=places)
    return f"-₹{text[1:]}" if text.startswith("-") else f"₹{text}"


CRORE = Decimal(10_000_000)
LAKH = Decimal(100_000)
_HUNDREDTH = Decimal("0.01")


def format_inr_short(value: Decimal) -> str:
    """A headline figure in the units Indian finance reads: ₹1,269.01 Cr, ₹12.35 L, ₹85,000 below a lakh
    (whole rupees). Where the exact amount matters, show it beside."""
    if abs(value) < LAKH:
        return format_inr(value, places=0)
    # decided after rounding: 99,99,999.99 reads ₹1.00 Cr, not ₹100.00 L
    if (abs(value) / LAKH).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP) < 100:
        return f"{format_inr(value / LAKH, places=2)} L"
    return f"{format_inr(value / CRORE, places=2)} Cr"
