"""Small pieces the order, SIP and mandate services share: references, the outbox, OTP, backoff."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.accounts.otp import otp_issue
from apps.core.http import backoff_delay
from apps.orders.cutoff import IST
from apps.orders.models import OutboxMessage

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


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter for transient faults (the shared rule of apps.core.http)."""
    return backoff_delay(attempt, base=settings.ORDERS_RETRY_BASE_SECONDS, cap=settings.ORDERS_RETRY_MAX_SECONDS)


def outbox_enqueue(*, kind: str, order=None, sip=None, mandate=None, delay: float = 0.0) -> OutboxMessage:
    """Writes the outbox row in the caller's transaction and starts its task after commit."""
    message = OutboxMessage.objects.create(
        kind=kind, order=order, sip=sip, mandate=mandate, available_at=timezone.now() + timedelta(seconds=delay)
    )
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk, countdown=delay))
    return message


def outbox_dispatch(*, message_id: int, countdown: float = 0.0) -> None:
    """Sends the task for a message. With eager tasks (tests) a delayed retry is left to the sweeper."""
    from apps.orders.tasks import process_outbox_message

    if countdown > 0 and settings.CELERY_TASK_ALWAYS_EAGER:
        return
    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now())
    if countdown > 0:
        process_outbox_message.apply_async(args=[message_id], countdown=countdown)
    else:
        process_outbox_message.delay(message_id)


def otp_send(*, investor: Investor, purpose: str, subject: str):
    """The SEBI second factor: a code to the investor's registered mobile (else e-mail)."""
    if investor.mobile:
        return otp_issue(purpose=purpose, channel="sms", target=investor.mobile, subject=subject)
    return otp_issue(purpose=purpose, channel="email", target=investor.email, subject=subject)


def actor_label(user) -> str:
    if user is None:
        return "system"
    return f"user:{user.pk}"
