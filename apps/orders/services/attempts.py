"""Exchange attempts: each call that may place something at an exchange is recorded (with its reference)
before it leaves, and finished with what came back."""

from django.utils import timezone

from apps.orders.gateways.interface import GatewayError
from apps.orders.models import ExchangeAttempt, Order

# An attempt whose order may exist at its exchange: the order stays pinned to that gateway.
LIVE_OUTCOMES = (
    ExchangeAttempt.Outcome.PENDING, ExchangeAttempt.Outcome.UNKNOWN, ExchangeAttempt.Outcome.ACCEPTED,
    ExchangeAttempt.Outcome.FOUND,
)  # fmt: skip


def attempt_finish(
    *, attempt: ExchangeAttempt, outcome: str, error: GatewayError | None = None, message: str = ""
) -> ExchangeAttempt:
    attempt.outcome = outcome
    attempt.error_code = error.code if error else ""
    attempt.message = (error.message if error else message)[:500]
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["outcome", "error_code", "message", "finished_at", "updated_at"])
    return attempt


def attempt_settle(*, attempt: ExchangeAttempt, outcome: str) -> ExchangeAttempt:
    """What a status query learnt about an attempt (found / absent)."""
    attempt.outcome, attempt.finished_at = outcome, timezone.now()
    attempt.save(update_fields=["outcome", "finished_at", "updated_at"])
    return attempt


def order_has_live_attempt(*, order: Order) -> bool:
    return order.attempts.filter(outcome__in=LIVE_OUTCOMES).exists()
