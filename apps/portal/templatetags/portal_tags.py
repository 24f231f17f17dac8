"""Presentation helpers: Indian number grouping for rupees, percentages, readable text on brand colours."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.http import urlencode

from apps.core.money import format_grouped, format_inr, format_inr_short
from tenants.colours import readable_text_on

register = template.Library()


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def inr(value, places: int = 2) -> str:
    """₹1,23,456.78; an em dash for nothing."""
    amount = _as_decimal(value)
    if amount is None:
        return "—"
    return format_inr(amount, places=int(places))


@register.filter
def inr_short(value) -> str:
    """₹1,269.01 Cr, ₹12.35 L or ₹85,000: a headline amount that fits a figure card."""
    amount = _as_decimal(value)
    return "—" if amount is None else format_inr_short(amount)


@register.filter
def count(value) -> str:
    """A count with Indian grouping: 20,000 or 1,20,000."""
    number = _as_decimal(value)
    return "—" if number is None else format_grouped(number, places=0)


@register.filter
def units(value) -> str:
    amount = _as_decimal(value)
    return "—" if amount is None else f"{amount.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):f}"


@register.filter
def percent(value, places: int = 2) -> str:
    """0.1234 -> 12.34 %."""
    amount = _as_decimal(value)
    if amount is None:
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    return f"{(amount * 100).quantize(quantum, rounding=ROUND_HALF_UP):f} %"


@register.filter
def text_on(colour: str) -> str:
    return readable_text_on(colour)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination links keep the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted((k, v) for k in params for v in params.getlist(k)))
    return f"?{encoded}" if encoded else "?"
