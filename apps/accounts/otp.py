"""One-time passwords: 6 digits, stored as an HMAC, valid 5 minutes, at most 5 verify attempts, at most
3 sends per target in 10 minutes. Used for sign-up, sign-in, orders (SEBI two-factor) and consents."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import OtpChallenge
from apps.accounts.notifiers import OutboundMessage, notifier
from apps.core.exceptions import ApplicationError

OTP_TTL = timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
OTP_SEND_WINDOW = timedelta(minutes=10)
OTP_MAX_SENDS = 3


class OtpError(ApplicationError):
    code = "otp_invalid"


class OtpRateLimited(ApplicationError):
    code = "otp_rate_limited"
    status_code = 429


def _hash(challenge_id, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_issue(*, purpose: str, channel: str, target: str, subject: str = "") -> OtpChallenge:
    """Creates a challenge and sends its code (after commit). Raises OtpRateLimited past 3 sends per
    target in 10 minutes."""
    now = timezone.now()
    target = target.strip().lower()
    with transaction.atomic():
        # serialise sends to one target so concurrent requests cannot exceed the limit
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp:{connection.schema_name}:{target}"])
        recent = OtpChallenge.objects.filter(target=target, created_at__gte=now - OTP_SEND_WINDOW)
        if recent.count() >= OTP_MAX_SENDS:
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            retry_after = int((oldest + OTP_SEND_WINDOW - now).total_seconds()) + 1
            raise OtpRateLimited(
                "Too many codes sent to this address. Try again later.", extra={"retry_after": retry_after}
            )
        code = f"{secrets.randbelow(10**6):06d}"
        challenge = OtpChallenge(
            purpose=purpose, channel=channel, target=target, subject=subject, expires_at=now + OTP_TTL
        )
        challenge.code_hash = _hash(challenge.public_id, code)
        challenge.save()
        message = OutboundMessage(
            channel=channel,
            target=target,
            subject="Your verification code",
            body=f"{code} is your verification code. It expires in 5 minutes. Do not share it with anyone.",
        )
        transaction.on_commit(lambda: notifier().send(message))
    return challenge


def otp_verify(*, challenge_id, code: str, purpose: str, subject: str = "") -> OtpChallenge:
    """Consumes the challenge if the code is right. Wrong codes count (and stay counted) against the
    5 attempts; an expired, used or exhausted challenge is refused."""
    with transaction.atomic():
        challenge = (
            OtpChallenge.objects.select_for_update()
            .filter(public_id=challenge_id, purpose=purpose, subject=subject)
            .first()
        )
        if challenge is None:
            raise OtpError("Unknown verification request.")
        if challenge.consumed_at is not None:
            raise OtpError("This code was already used.", code="otp_used")
        if challenge.expires_at <= timezone.now():
            raise OtpError("This code has expired. Ask for a new one.", code="otp_expired")
        if challenge.attempts >= OTP_MAX_ATTEMPTS:
            raise OtpError("Too many wrong attempts. Ask for a new code.", code="otp_locked")
        if hmac.compare_digest(challenge.code_hash, _hash(challenge.public_id, (code or "").strip())):
            challenge.consumed_at = timezone.now()
            challenge.save(update_fields=["consumed_at", "updated_at"])
            return challenge
        challenge.attempts += 1
        challenge.save(update_fields=["attempts", "updated_at"])
        remaining = OTP_MAX_ATTEMPTS - challenge.attempts
    # raised after the block commits, so the failed attempt is counted
    raise OtpError("The code is not right.", code="otp_wrong", extra={"attempts_left": remaining})
