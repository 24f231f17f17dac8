"""Rupee amounts in text for people (SMS, e-mail, messages): Indian digit grouping, paise only when
there are any: ₹15,000 · ₹1,23,456.50."""

from decimal import ROUND_HALF_UP, Decimal


def _group_indian(whole: str) -> str:
    if len(whole) <= 3:
        return whole
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


def rupees(value: Decimal) -> str:
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, paise = f"{abs(amount):f}".partition(".")
    return f"{sign}₹{_group_indian(whole)}" + (f".{paise}" if paise != "00" else "")
