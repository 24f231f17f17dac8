"""The investor's second factor (SEBI) for orders, SIPs, mandates and baskets of them: one code sent per
request (or per basket), and one confirm path that verifies it, then queues each item with its outbox row
and writes the audit rows in one transaction (the tasks start on commit).

A basket (OrderBasket) groups confirmable items: its one code, whose text names the count and the total,
confirms every item still waiting in it. An item of a basket has no code of its own."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.otp import otp_verify
from apps.core.audit import audit_record
from apps.core.exceptions import ConflictError
from apps.core.money import format_inr
from apps.orders import states
from apps.orders.models import (
    BasketStatus,
    Mandate,
    Order,
    OrderBasket,
    OrderKind,
    OutboxMessage,
    SipRegistration,
)
from apps.orders.services.common import actor_label, otp_send
from apps.orders.services.outbox import outbox_enqueue

Confirmable = Order | SipRegistration | Mandate | OrderBasket
PENDING_OTP = "pending_otp"
QUEUED = "queued"


@dataclass(frozen=True)
class _Flow:
    purpose: str  # the OTP's purpose, also the label in messages and audit actions
    noun: str
    queue: Callable[..., None]  # (locked target, actor) -> queued with its outbox row(s)


def _order_queue(order: Order, actor) -> None:
    states.order_transition(order=order, to=QUEUED, actor=actor_label(actor), message="OTP verified")
    outbox_enqueue(kind=OutboxMessage.Kind.ORDER_SUBMIT, order=order)


def _sip_queue(sip: SipRegistration, actor) -> None:
    states.sip_transition(sip=sip, to=QUEUED)
    outbox_enqueue(kind=OutboxMessage.Kind.SIP_REGISTER, sip=sip)


def _mandate_queue(mandate: Mandate, actor) -> None:
    states.mandate_transition(mandate=mandate, to=QUEUED)
    outbox_enqueue(kind=OutboxMessage.Kind.MANDATE_REGISTER, mandate=mandate)


def basket_items_waiting(*, basket: OrderBasket, lock: bool = False) -> list[Order | SipRegistration]:
    """The basket's items still waiting for its code, orders first, each in the order they were added
    (locked in that order when `lock`)."""
    orders = Order.objects.filter(basket=basket, status=PENDING_OTP).select_related("scheme").order_by("id")
    sips = SipRegistration.objects.filter(basket=basket, status=PENDING_OTP).select_related("scheme").order_by("id")
    if lock:
        orders, sips = orders.select_for_update(of=("self",)), sips.select_for_update(of=("self",))
    return [*orders, *sips]


def _basket_queue(basket: OrderBasket, actor) -> None:
    items = basket_items_waiting(basket=basket, lock=True)
    if not items:
        raise ConflictError("Nothing in this basket waits for confirmation any more.", code="basket_empty")
    for item in items:
        flow = _flow(item)
        flow.queue(item, actor)
        audit_record(
            action=f"orders.{flow.purpose}.confirmed", actor=actor or basket.investor.user, target=item,
            extra={"basket": basket.reference},
        )  # fmt: skip
    basket.status, basket.confirmed_at = BasketStatus.CONFIRMED, timezone.now()
    basket.save(update_fields=["status", "confirmed_at", "updated_at"])


FLOWS: dict[type, _Flow] = {
    Order: _Flow("order", "order", _order_queue),
    SipRegistration: _Flow("sip", "SIP", _sip_queue),
    Mandate: _Flow("mandate", "mandate", _mandate_queue),
    OrderBasket: _Flow("basket", "basket", _basket_queue),
}


def _flow(target: Confirmable) -> _Flow:
    return FLOWS[type(target)]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def basket_otp_text(*, items: list[Order | SipRegistration]) -> str:
    """What a basket's code confirms, for its text: "to confirm 2 purchases totalling ₹15,000"."""
    counts: dict[str, int] = {}
    total = Decimal("0")
    for item in items:
        noun = "SIP" if isinstance(item, SipRegistration) else OrderKind(item.kind).label.lower()
        counts[noun] = counts.get(noun, 0) + 1
        total += item.amount or Decimal("0")
    parts = [_plural(n, noun) for noun, n in counts.items()]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"to confirm {listed}" + (f" totalling {format_inr(total)}" if total else "")


def otp_challenge_send(*, target: Confirmable) -> Confirmable:
    """Sends the investor a code for `target` and remembers the challenge on it (in the caller's
    transaction when there is one)."""
    flow = _flow(target)
    what = basket_otp_text(items=basket_items_waiting(basket=target)) if isinstance(target, OrderBasket) else ""
    challenge = otp_send(investor=target.investor, purpose=flow.purpose, subject=str(target.public_id), what=what)
    type(target).objects.filter(pk=target.pk).update(otp_challenge_id=challenge.public_id, updated_at=timezone.now())
    target.otp_challenge_id = challenge.public_id
    return target


def _basket_of(target: Confirmable) -> OrderBasket | None:
    basket_id = getattr(target, "basket_id", None)
    return OrderBasket.objects.select_related("investor").get(pk=basket_id) if basket_id else None


def otp_resend(*, target: Confirmable) -> Confirmable:
    """A new code for `target`; for an item of a basket, a new code for its basket."""
    if target.status != PENDING_OTP:
        raise ConflictError(f"This {_flow(target).noun} does not wait for an OTP.", code="otp_not_expected")
    basket = _basket_of(target)
    if basket is not None:
        otp_resend(target=basket)
        return target
    return otp_challenge_send(target=target)


def otp_confirm(*, target: Confirmable, code: str, actor=None) -> Confirmable:
    """The investor's code for an order, SIP, mandate or basket: queued and handed to the outbox, with its
    audit row(s), in one transaction. Returns the request as now stored."""
    flow = _flow(target)
    if target.status != PENDING_OTP:
        raise ConflictError(f"This {flow.noun} is not waiting for an OTP.", code="otp_not_expected")
    basket = _basket_of(target)
    if basket is not None:
        raise ConflictError(
            f"This {flow.noun} is part of basket {basket.reference}: confirm the basket with its code.",
            code="otp_basket", extra={"basket_id": str(basket.public_id)},
        )  # fmt: skip
    # verified on its own so that a wrong code stays counted (otp_verify commits the attempt)
    otp_verify(challenge_id=target.otp_challenge_id, code=code, purpose=flow.purpose, subject=str(target.public_id))
    model = type(target)
    with transaction.atomic():
        target = model.objects.select_for_update(of=("self",)).select_related("investor__user").get(pk=target.pk)
        if target.status != PENDING_OTP:
            raise ConflictError(f"This {flow.noun} was confirmed already.", code="otp_not_expected")
        flow.queue(target, actor)
        audit_record(action=f"orders.{flow.purpose}.confirmed", actor=actor or target.investor.user, target=target)
    return target
