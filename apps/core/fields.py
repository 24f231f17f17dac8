"""Serializer fields whose accepted forms are exactly what the API documents."""

from datetime import UTC, datetime

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
