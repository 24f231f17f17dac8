"""The investor's second factor (SEBI) for orders, SIPs and mandates: one code sent per request, and one
confirm path that verifies it, then queues the request with its outbox row and writes the audit row in one
transaction (the task starts on commit)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.accounts.otp import otp_verify
from apps.core.audit import audit_record
from apps.core.exceptions import ConflictError
from apps.orders import states
from apps.orders.models import Mandate, Order, OutboxMessage, SipRegistration
from apps.orders.services.common import actor_label, otp_send
from apps.orders.services.outbox import outbox_enqueue

Confirmable = Order | SipRegistration | Mandate
PENDING_OTP = "pending_otp"
QUEUED = "queued"


@dataclass(frozen=True)
class _Flow:
    purpose: str  # the OTP's purpose, also the label in messages and audit actions
    noun: str
    outbox_kind: str
    queue: Callable[[Confirmable, str], None]  # the transition to queued, given the actor's label


def _order_queue(order: Order, actor: str) -> None:
    states.order_transition(order=order, to=QUEUED, actor=actor, message="OTP verified")


FLOWS: dict[type, _Flow] = {
    Order: _Flow("order", "order", OutboxMessage.Kind.ORDER_SUBMIT, _order_queue),
    SipRegistration: _Flow(
        "sip", "SIP", OutboxMessage.Kind.SIP_REGISTER, lambda sip, _: states.sip_transition(sip=sip, to=QUEUED)
    ),
    Mandate: _Flow(
        "mandate",
        "mandate",
        OutboxMessage.Kind.MANDATE_REGISTER,
        lambda mandate, _: states.mandate_transition(mandate=mandate, to=QUEUED),
    ),  # fmt: skip
}


def _flow(target: Confirmable) -> _Flow:
    return FLOWS[type(target)]


def otp_challenge_send(*, target: Confirmable) -> Confirmable:
    """Sends the investor a code for `target` and remembers the challenge on it (in the caller's
    transaction when there is one)."""
    challenge = otp_send(investor=target.investor, purpose=_flow(target).purpose, subject=str(target.public_id))
    type(target).objects.filter(pk=target.pk).update(otp_challenge_id=challenge.public_id, updated_at=timezone.now())
    target.otp_challenge_id = challenge.public_id
    return target


def otp_resend(*, target: Confirmable) -> Confirmable:
    if target.status != PENDING_OTP:
        raise ConflictError(f"This {_flow(target).noun} does not wait for an OTP.", code="otp_not_expected")
    return otp_challenge_send(target=target)


def otp_confirm(*, target: Confirmable, code: str, actor=None) -> Confirmable:
    """The investor's code for an order, SIP or mandate: queued and handed to the outbox, with its audit
    row, in one transaction. Returns the request as now stored."""
    flow = _flow(target)
    if target.status != PENDING_OTP:
        raise ConflictError(f"This {flow.noun} is not waiting for an OTP.", code="otp_not_expected")
    # verified on its own so that a wrong code stays counted (otp_verify commits the attempt)
    otp_verify(challenge_id=target.otp_challenge_id, code=code, purpose=flow.purpose, subject=str(target.public_id))
    model = type(target)
    with transaction.atomic():
        target = model.objects.select_for_update(of=("self",)).select_related("investor__user").get(pk=target.pk)
        if target.status != PENDING_OTP:
            raise ConflictError(f"This {flow.noun} was confirmed already.", code="otp_not_expected")
        flow.queue(target, actor_label(actor))
        outbox_enqueue(kind=flow.outbox_kind, **{flow.purpose: target})  # order= / sip= / mandate=
        audit_record(action=f"orders.{flow.purpose}.confirmed", actor=actor or target.investor.user, target=target)
    return target
