"""Serializer fields whose accepted forms are exactly what the API documents."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time between 1970 and 9999: outside that range it is refused with 400 (a year-1
    date would overflow when converted between time zones)."""

    default_error_messages = {"out_of_range": "Give a date-time between 1970-01-01 and 9999-01-01."}

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if not EARLIEST <= parsed <= LATEST:
            self.fail("out_of_range")
        return parsed


# --- Plain decimals: amounts and units ------------------------------------------------------------------


def plain_decimal_pattern(decimal_places: int, *, max_whole_digits: int = 12) -> str:
    """ASCII digits with an optional point and at most `decimal_places` after it: no sign, exponent,
    spaces, separators or digits of other scripts."""
    return rf"^[0-9]{{1,{max_whole_digits}}}(\.[0-9]{{1,{decimal_places}}})?$"


class PlainDecimalField(serializers.DecimalField):
    """A decimal as a JSON string of plain ASCII digits (`"5000"`, `"5000.50"`), between min_value and
    max_value. Exponents (`1e5`), signs, spaces, separators, other scripts' digits and JSON numbers (a
    float has already lost its written form) are refused with 400. See `AmountField` and `UnitsField`."""

    default_error_messages = {
        "plain": "Give the number as a string of digits 0-9 with an optional decimal point and at most "
        '{decimal_places} decimals, e.g. "{example}" (no exponent, sign, spaces or separators).',
    }
    example = "5000"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pattern = re.compile(plain_decimal_pattern(self.decimal_places))

    def to_internal_value(self, data):
        if not isinstance(data, str) or not self._pattern.fullmatch(data):
            self.fail("plain", decimal_places=self.decimal_places, example=self.example)
        return super().to_internal_value(data)


def _max_amount() -> Decimal:
    return Decimal(settings.ORDERS_MAX_AMOUNT)


def _max_units() -> Decimal:
    return Decimal(settings.ORDERS_MAX_UNITS)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": plain_decimal_pattern(2),
        "example": "5000.00",
        "description": "Rupees as a string of ASCII digits with at most 2 decimals, from 0.01 up to "
        "ORDERS_MAX_AMOUNT (by default 100000000.00, ₹10,00,00,000).",
    }
)
class AmountField(PlainDecimalField):
    """Rupees: 2 decimals, at least 0.01, at most settings.ORDERS_MAX_AMOUNT."""

    example = "5000.50"

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", _max_amount())
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": plain_decimal_pattern(4),
        "example": "12.5000",
        "description": "Units as a string of ASCII digits with at most 4 decimals, from 0.0001 up to "
        "ORDERS_MAX_UNITS (by default 10000000.0000).",
    }
)
class UnitsField(PlainDecimalField):
    """Units of a scheme: 4 decimals, at least 0.0001, at most settings.ORDERS_MAX_UNITS."""

    example = "12.5"

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal("0.0001"))
        kwargs.setdefault("max_value", _max_units())
        super().__init__(**kwargs)
