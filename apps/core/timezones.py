"""India Standard Time, for rules that are Indian (cut-offs, NAV deadlines, exchange and KRA clocks)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

IST = ZoneInfo("Asia/Kolkata")


def ist_now() -> datetime:
    return timezone.now().astimezone(IST)


def ist_today() -> date:
    return ist_now().date()
