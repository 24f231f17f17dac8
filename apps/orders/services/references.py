"""Our references at the exchange: one per order / SIP (stable across attempts) and one per attempt."""

import secrets
from datetime import datetime

from django.db import connection
from django.utils import timezone

from apps.orders.cutoff import IST
from apps.orders.gateways.interface import TransactionGateway

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def client_ref_new(prefix: str) -> str:
    """Our reference for an order / SIP (BSE RefNo / InternalRefNo): stable across attempts."""
    return prefix + "".join(secrets.choice(REF_ALPHABET) for _ in range(11))


def attempt_ref_next(*, member_id: str, now: datetime | None = None) -> str:
    """BSE TransNo: YYYYMMDD (IST) + member id + running number, 19 characters, unique per attempt. The
    running number comes from one platform-wide Postgres sequence."""
    now = now or timezone.now()
    width = 19 - 8 - len(member_id)
    if width < 3:
        raise ValueError(f"Member id {member_id!r} is too long for a 19-character TransNo.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('public.orders_exchange_ref_seq')")
        (number,) = cursor.fetchone()
    return f"{now.astimezone(IST):%Y%m%d}{member_id}{number % 10**width:0{width}d}"


def attempt_ref_for(*, gateway: TransactionGateway) -> str:
    """The next attempt reference at `gateway`, carrying the member id the gateway declares."""
    return attempt_ref_next(member_id=gateway.reference_member_id)
