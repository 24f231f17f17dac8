"""Fault injection for the simulators, planned by tests (or a person) through Fault rows."""

import time

from django.db import transaction
from django.db.models import F, Q

from apps.sandbox.models import Fault


def fault_take(*, target: str, operation: str, raw: str) -> Fault | None:
    """Claims the first matching fault (one firing) for this request, or None."""
    with transaction.atomic():
        candidates = (
            Fault.objects.select_for_update(skip_locked=True)
            .filter(Q(operation=operation) | Q(operation="*"), target=target, remaining__gt=0)
            .order_by("id")
        )
        for fault in candidates:
            if fault.match and fault.match not in raw:
                continue
            Fault.objects.filter(pk=fault.pk).update(remaining=F("remaining") - 1, fired=F("fired") + 1)
            return fault
    return None


def fault_plan(*, target: str, kind: str, operation: str = "*", match: str = "", delay_ms: int = 0,
               message: str = "", times: int = 1) -> Fault:  # fmt: skip
    return Fault.objects.create(
        target=target, operation=operation, match=match, kind=kind, delay_ms=delay_ms, message=message, remaining=times
    )


def fault_clear(*, target: str | None = None) -> int:
    qs = Fault.objects.all() if target is None else Fault.objects.filter(target=target)
    return qs.delete()[0]


def sleep_ms(delay_ms: int) -> None:
    if delay_ms > 0:
        time.sleep(delay_ms / 1000)
