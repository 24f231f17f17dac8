"""One-time passwords: 6 digits, stored as an HMAC, valid 5 minutes, at most 5 verify attempts. Used for
sign-up, sign-in, orders (SEBI two-factor), contact changes and consents.

Sends are budgeted per target and per purpose group: codes anyone can ask for without signing in
(sign-in, registration, invitations) cannot use up the budget of an investor's order, mandate, contact
change, bank change or family-consent codes, nor one another's. Every text says what its code is for."""

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
OTP_MAX_SENDS = 3  # per target, purpose group and window (OTP_BUDGETS may give a group more)

# purpose -> budget group; a purpose not listed is a group of its own
OTP_BUDGET_GROUPS = {
    "login": "sign_in",
    "register": "registration",
    "invitation": "registration",
    "order": "transaction",
    "sip": "transaction",
    "mandate": "transaction",
    "basket": "transaction",
    "contact": "contact_change",
    "bank": "bank_change",
    "family": "family_consent",
    # a budget of its own: asking for reset codes cannot use up the sign-in codes, nor the other way round
    "password_reset": "password_reset",
}
# sends per window for a group; a basket of orders and SIPs needs more than a sign-in does
OTP_BUDGETS = {"transaction": 6}

# what a code confirms, in the text that carries it
OTP_PURPOSE_TEXT = {
    "login": "to sign in",
    "register": "to create your account",
    "invitation": "to accept your invitation",
    "order": "to confirm your order",
    "sip": "to confirm your SIP",
    "mandate": "to approve your bank mandate",
    "basket": "to confirm your orders",
    "contact": "to change your contact details",
    "bank": "to change your bank account details",
    "family": "to share your portfolio with a family member",
    "password_reset": "to reset your password",
}


def otp_budget_group(purpose: str) -> str:
    return OTP_BUDGET_GROUPS.get(purpose, purpose)


def otp_message_body(*, purpose: str, code: str, what: str = "") -> str:
    """`what` names the particular thing confirmed (e.g. "2 orders, total Rs 10,000"); the purpose's
    phrase is used when it is not given."""
    action = what or OTP_PURPOSE_TEXT.get(purpose, "to verify this request")
    return f"{code} is your code {action}. It expires in 5 minutes. Do not share it with anyone."


class OtpError(ApplicationError):
    code = "otp_invalid"


class OtpRateLimited(ApplicationError):
    code = "otp_rate_limited"
    status_code = 429


def _hash(challenge_id, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_issue(*, purpose: str, channel: str, target: str, subject: str = "", what: str = "") -> OtpChallenge:
    """Creates a challenge and sends its code (after commit). Raises OtpRateLimited, with the seconds to
    wait, once the target's budget for this purpose's group is spent in the window."""
    now = timezone.now()
    target = target.strip().lower()
    with transaction.atomic():
        # serialise sends to one target so concurrent requests cannot exceed the limit
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp:{connection.schema_name}:{target}"])
        group = otp_budget_group(purpose)
        same_group = [p for p, g in OTP_BUDGET_GROUPS.items() if g == group] or [purpose]
        recent = OtpChallenge.objects.filter(
            target=target, purpose__in=same_group, created_at__gte=now - OTP_SEND_WINDOW
        )
        if recent.count() >= OTP_BUDGETS.get(group, OTP_MAX_SENDS):
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            retry_after = int((oldest + OTP_SEND_WINDOW - now).total_seconds()) + 1
            minutes = max(1, -(-retry_after // 60))
            raise OtpRateLimited(
                f"Too many codes sent to this address. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                extra={"retry_after": retry_after},
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
            body=otp_message_body(purpose=purpose, code=code, what=what),
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
