"""Orders from the investor's tap to the registrar's allotment.

order_place            validate, write the order (pending_otp), send the OTP
(confirmation)          OTP right -> queued + outbox row in one transaction; the task starts on commit
order_submit           (outbox) the exchange attempt: TransNo saved before the call, then the call
order_resolve_unknown  (outbox) a lost answer: ask the same exchange, never send blindly again
order_record_*         what the status poller learns: payment, allotment (-> ledger + notification)
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.accounts.selectors import payout_account_recently_changed
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.funds.models import Scheme
from apps.orders import states
from apps.orders.cutoff import expected_nav_date
from apps.orders.gateways.identity import ExchangeIdentityMissing
from apps.orders.gateways.interface import (
    AllotmentRecord,
    CallContext,
    CircuitOpen,
    GatewayError,
    GatewayNotSent,
    GatewayOutcomeUnknown,
    GatewayRejected,
    OrderCancelRequest,
    OrderContext,
    PaymentLinkRequest,
    PurchaseRequest,
    RedemptionRequest,
    StatusQuery,
    SwitchRequest,
    TransactionGateway,
)
from apps.orders.gateways.registry import gateway_get
from apps.orders.gateways.router import route_for
from apps.orders.models import ExchangeAttempt, ExchangeClient, Order, OrderKind, OrderStatus, OutboxMessage
from apps.orders.services.attempts import attempt_finish, attempt_settle, order_has_live_attempt
from apps.orders.services.clients import exchange_client_ensure
from apps.orders.services.common import actor_label
from apps.orders.services.confirmation import otp_challenge_send
from apps.orders.services.outbox import Retry, outbox_enqueue
from apps.orders.services.references import attempt_ref_for, client_ref_new
from apps.orders.validation import order_check
from apps.portfolio.services import transaction_record

logger = logging.getLogger(__name__)
S = OrderStatus


def _lock(order_id: int) -> Order:
    return (
        Order.objects.select_for_update(of=("self",)).select_related("scheme", "to_scheme", "investor").get(pk=order_id)
    )


# --- placing ------------------------------------------------------------------------------------------


@transaction.atomic
def order_place(
    *,
    investor: Investor,
    kind: str,
    scheme: Scheme,
    amount: Decimal | None = None,
    units: Decimal | None = None,
    all_units: bool = False,
    folio_number: str = "",
    to_scheme: Scheme | None = None,
    placed_by=None,
    placed_at: datetime | None = None,
    basket=None,
) -> Order:
    """Validates and records an order waiting for the investor's OTP (sent after commit). A staff member
    placing it on the investor's behalf is `placed_by`; the OTP still goes to the investor. An order of a
    `basket` gets no code of its own: the basket's one code confirms it (apps.orders.services.baskets)."""
    placed_at = placed_at or timezone.now()
    is_additional = kind == OrderKind.PURCHASE and bool(folio_number)
    order_check(
        investor=investor, kind=kind, scheme=scheme, amount=amount, units=units, all_units=all_units,
        folio_number=folio_number, to_scheme=to_scheme, is_additional=is_additional,
    )  # fmt: skip
    # a redemption to a payout account added or made primary in the last 24 hours waits for staff
    hold_reason = payout_account_recently_changed(investor=investor) if kind == OrderKind.REDEMPTION else ""
    order = Order.objects.create(
        investor=investor, placed_by=placed_by, kind=kind, scheme=scheme, to_scheme=to_scheme, amount=amount,
        units=units, all_units=all_units, folio_number=folio_number, is_additional=is_additional,
        client_ref=client_ref_new("O"), placed_at=placed_at, basket=basket,
        expected_nav_date=expected_nav_date(at=placed_at, scheme=scheme, kind=kind), hold_reason=hold_reason,
    )  # fmt: skip
    if basket is None:
        otp_challenge_send(target=order)
    if hold_reason:
        states.order_event(order=order, kind="held", message=f"held for review: {hold_reason}")
    states.order_event(
        order=order, kind="placed", actor=actor_label(placed_by),
        message="placed by staff for the investor" if placed_by else "placed by the investor",
        data={"expected_nav_date": order.expected_nav_date.isoformat()},
    )  # fmt: skip
    audit_record(
        action="orders.order.placed", actor=placed_by or investor.user, target=order,
        extra={"kind": kind, "scheme": scheme.amfi_code, "amount": str(amount or ""), "units": str(units or ""),
               **({"basket": basket.reference} if basket else {})},
    )  # fmt: skip
    return order


@transaction.atomic
def order_create_confirmed(
    *,
    investor: Investor,
    scheme: Scheme,
    amount: Decimal,
    sip=None,
    folio_number: str = "",
    placed_at: datetime | None = None,
    source: str = "sip",
) -> Order:
    """A purchase the investor authorised earlier (a SIP instalment under its registration's OTP):
    queued straight away, with its outbox row."""
    placed_at = placed_at or timezone.now()
    order = Order.objects.create(
        investor=investor, kind=OrderKind.PURCHASE, scheme=scheme, amount=amount, folio_number=folio_number,
        is_additional=bool(folio_number), sip=sip, client_ref=client_ref_new("O"), placed_at=placed_at,
        expected_nav_date=expected_nav_date(at=placed_at, scheme=scheme, kind=OrderKind.PURCHASE),
    )  # fmt: skip
    states.order_event(order=order, kind="placed", message=f"created from {source}")
    states.order_transition(order=order, to=S.QUEUED, message=f"authorised by {source}")
    outbox_enqueue(kind=OutboxMessage.Kind.ORDER_SUBMIT, order=order)
    return order


# --- submitting -----------------------------------------------------------------------------------------


def _adviser_euin(order: Order) -> str:
    """The EUIN of the staff member who advised the order: the one who placed it on the investor's
    behalf, else the investor's relationship manager. Empty: execution-only (BSE EUINVal "Y")."""
    adviser = getattr(order.placed_by, "staff", None) if order.placed_by_id else None
    if adviser is not None and adviser.euin:
        return adviser.euin
    rm = order.investor.relationship_manager
    return rm.euin if rm else ""


def _context(order: Order, client: ExchangeClient, attempt_ref: str) -> OrderContext:
    investor = order.investor
    return OrderContext(
        reference=order.client_ref, attempt_ref=attempt_ref, client_code=client.client_code,
        euin=_adviser_euin(order), email=investor.email, mobile=investor.mobile,
    )  # fmt: skip


def _call_for(order: Order) -> CallContext:
    return CallContext(order_id=order.pk, reference=order.client_ref)


def order_submit(*, order_id: int) -> str:
    """One step of getting a queued order to its exchange. Returns "done" when the outbox may forget it;
    raises Retry when it must run again."""
    order = Order.objects.select_related("scheme", "to_scheme", "investor").get(pk=order_id)
    if order.status in (S.SUBMITTED, S.UNKNOWN):
        return order_resolve_unknown(order_id=order_id)
    if order.status != S.QUEUED:
        return "done"
    if order.is_held:
        return "done"  # stays queued; releasing the hold (services/holds.py) sends it again
    operation = "switch" if order.kind == OrderKind.SWITCH else order.kind
    try:
        route = route_for(operation, pinned=order.gateway if order.gateway_pinned else "")
    except CircuitOpen as exc:
        raise Retry(exc.message) from exc
    call = _call_for(order)
    try:
        gateway = gateway_get(route.gateway)  # never under another identity, nor without one
        client = exchange_client_ensure(investor=order.investor, gateway=gateway, call=call)
        codes = (
            gateway.scheme_code(scheme=order.scheme),
            gateway.scheme_code(scheme=order.to_scheme) if order.to_scheme_id else "",
        )
    except ExchangeIdentityMissing as exc:
        order_fail(order_id=order_id, code=exc.code, reason=exc.message)
        return "done"
    except GatewayRejected as exc:
        order_fail(order_id=order_id, code=exc.code, reason=f"Registration at the exchange failed: {exc.message}")
        return "done"
    except GatewayError as exc:
        raise Retry(exc.message) from exc

    # 1. the attempt and its reference are saved before anything leaves
    with transaction.atomic():
        order = _lock(order_id)
        if order.status != S.QUEUED or order.is_held:
            return "done" if order.status not in (S.SUBMITTED, S.UNKNOWN) else "again"
        trans_no = attempt_ref_for(gateway=gateway)
        attempt = ExchangeAttempt.objects.create(
            order=order, gateway=gateway.name, operation=operation, trans_no=trans_no
        )
        order.gateway, order.gateway_pinned, order.exchange_ref = gateway.name, True, trans_no
        states.order_transition(
            order=order, to=S.SUBMITTED, fields=("gateway", "gateway_pinned", "exchange_ref"),
            message=f"attempt {trans_no} at {gateway.name}" + (" (fallback)" if route.fallback else ""),
            data={"trans_no": trans_no, "gateway": gateway.name, "fallback": route.fallback},
        )  # fmt: skip

    # 2. the call, outside any transaction
    try:
        placed = _place(gateway, order, ctx=_context(order, client, trans_no), codes=codes, call=call)
    except GatewayRejected as exc:
        attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.REJECTED, error=exc)
        with transaction.atomic():
            order = _lock(order_id)
            order.failure_code, order.failure_reason = exc.code, exc.message[:500]
            states.order_transition(order=order, to=S.REJECTED, fields=("failure_code", "failure_reason"),
                                    message=exc.message, data={"trans_no": trans_no, "code": exc.code})  # fmt: skip
        return "done"
    except GatewayOutcomeUnknown as exc:
        attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.UNKNOWN, error=exc)
        with transaction.atomic():
            order = _lock(order_id)
            order.next_check_at = timezone.now() + timedelta(seconds=settings.ORDERS_UNKNOWN_SETTLE_SECONDS)
            states.order_transition(order=order, to=S.UNKNOWN, fields=("next_check_at",), message=exc.message,
                                    data={"trans_no": trans_no, "code": exc.code})  # fmt: skip
        raise Retry("outcome unknown: status query next", delay=settings.ORDERS_UNKNOWN_SETTLE_SECONDS) from exc
    except GatewayNotSent as exc:
        attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.NOT_SENT, error=exc)
        with transaction.atomic():
            order = _lock(order_id)
            order.gateway_pinned = order_has_live_attempt(order=order)
            states.order_transition(order=order, to=S.QUEUED, fields=("gateway_pinned",), message=exc.message,
                                    data={"trans_no": trans_no, "code": exc.code})  # fmt: skip
        raise Retry(exc.message) from exc
    attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.ACCEPTED, message=placed.message)
    order_record_acceptance(order_id=order_id, exchange_order_id=placed.exchange_order_id, message=placed.message)
    return "done"


def _place(gateway: TransactionGateway, order: Order, *, ctx: OrderContext, codes: tuple[str, str], call: CallContext):
    """The one exchange call that places the order (purchase, redemption or switch)."""
    if order.kind == OrderKind.PURCHASE:
        return gateway.purchase(
            PurchaseRequest(ctx=ctx, scheme_code=codes[0], amount=order.amount, folio_number=order.folio_number,
                            additional=order.is_additional), call=call)  # fmt: skip
    if order.kind == OrderKind.REDEMPTION:
        return gateway.redeem(
            RedemptionRequest(ctx=ctx, scheme_code=codes[0], folio_number=order.folio_number, amount=order.amount,
                              units=order.units, all_units=order.all_units), call=call)  # fmt: skip
    return gateway.switch(
        SwitchRequest(ctx=ctx, from_scheme_code=codes[0], to_scheme_code=codes[1], folio_number=order.folio_number,
                      amount=order.amount, units=order.units, all_units=order.all_units), call=call)  # fmt: skip


def order_record_acceptance(*, order_id: int, exchange_order_id: str, message: str = "") -> Order:
    with transaction.atomic():
        order = _lock(order_id)
        if order.status not in (S.SUBMITTED, S.UNKNOWN):
            return order
        order.exchange_order_id, order.exchange_message = exchange_order_id, message[:500]
        order.next_check_at = timezone.now()
        states.order_transition(
            order=order, to=S.ACCEPTED, fields=("exchange_order_id", "exchange_message", "next_check_at"),
            message=f"exchange order {exchange_order_id}",
        )  # fmt: skip
        if order.kind == OrderKind.PURCHASE:
            states.order_transition(order=order, to=S.PAYMENT_PENDING, message="waiting for the payment")
    return order


def order_resolve_unknown(*, order_id: int) -> str:
    """An attempt whose answer was lost (or whose worker died): ask the same exchange. Found -> accepted
    or rejected as it says; absent (asked after the settle time) -> queued again for a new attempt."""
    now = timezone.now()
    with transaction.atomic():
        order = _lock(order_id)
        if order.status not in (S.SUBMITTED, S.UNKNOWN):
            return "done"
        attempt = (
            order.attempts.filter(outcome__in=[ExchangeAttempt.Outcome.PENDING, ExchangeAttempt.Outcome.UNKNOWN])
            .order_by("-created_at")
            .first()
        )
        if attempt is None:
            return "done"
        lease = timedelta(seconds=settings.ORDERS_OUTBOX_LEASE_SECONDS)
        if order.status == S.SUBMITTED:
            if attempt.created_at > now - lease:
                raise Retry("an attempt is in flight", delay=settings.ORDERS_OUTBOX_LEASE_SECONDS)
            # the worker that made this attempt died before it learnt the answer
            attempt.outcome = ExchangeAttempt.Outcome.UNKNOWN
            attempt.save(update_fields=["outcome", "updated_at"])
            states.order_transition(order=order, to=S.UNKNOWN, message="attempt abandoned by its worker")
    settle = timedelta(seconds=settings.ORDERS_UNKNOWN_SETTLE_SECONDS)
    if now < attempt.created_at + settle:
        raise Retry("waiting before the status query", delay=(attempt.created_at + settle - now).total_seconds())
    gateway = gateway_get(attempt.gateway)
    client = ExchangeClient.objects.get(investor=order.investor, gateway=attempt.gateway)
    day = attempt.created_at.date()
    try:
        records = gateway.order_status(
            StatusQuery(client_code=client.client_code, from_date=day - timedelta(days=1),
                        to_date=timezone.localdate() + timedelta(days=1)),
            call=_call_for(order),
        )  # fmt: skip
    except GatewayError as exc:
        raise Retry(f"status query failed: {exc.message}") from exc
    matches = [r for r in records if r.reference == order.client_ref]
    live = [r for r in matches if r.status not in ("INVALID", "CANCELLED", "REJECTED")]
    states_data = {"trans_no": attempt.trans_no, "found": [r.exchange_order_id for r in matches]}
    if live:
        if len(live) > 1:
            logger.error("order %s found %d times at %s", order.client_ref, len(live), attempt.gateway)
        attempt_settle(attempt=attempt, outcome=ExchangeAttempt.Outcome.FOUND)
        with transaction.atomic():
            states.order_event(order=_lock(order_id), kind="status_query", message="found at the exchange",
                               data=states_data)  # fmt: skip
        order_record_acceptance(order_id=order_id, exchange_order_id=live[0].exchange_order_id,
                                message=live[0].remarks)  # fmt: skip
        return "done"
    if matches:
        attempt_settle(attempt=attempt, outcome=ExchangeAttempt.Outcome.FOUND)
        with transaction.atomic():
            order = _lock(order_id)
            order.failure_code, order.failure_reason = "exchange_rejected", matches[0].remarks[:500]
            states.order_transition(order=order, to=S.REJECTED, fields=("failure_code", "failure_reason"),
                                    message=matches[0].remarks, data=states_data)  # fmt: skip
        return "done"
    attempt_settle(attempt=attempt, outcome=ExchangeAttempt.Outcome.ABSENT)
    with transaction.atomic():
        order = _lock(order_id)
        order.gateway_pinned = order_has_live_attempt(order=order)
        states.order_transition(order=order, to=S.QUEUED, fields=("gateway_pinned",),
                                message="not at the exchange: new attempt", data=states_data)  # fmt: skip
    raise Retry("absent at the exchange: new attempt", delay=0)


def order_fail(*, order_id: int, code: str, reason: str) -> Order:
    with transaction.atomic():
        order = _lock(order_id)
        if not states.order_can_transition(order=order, to=S.FAILED):
            return order
        order.failure_code, order.failure_reason = code[:40], reason[:500]
        states.order_transition(order=order, to=S.FAILED, fields=("failure_code", "failure_reason"), message=reason)
    return order


# --- cancelling -----------------------------------------------------------------------------------------


def order_cancel(*, order: Order, actor=None) -> Order:
    """Before the exchange has it: cancelled here. Accepted but not paid / allotted: cancelled at the
    exchange first (it may refuse)."""
    if order.status in states.ORDER_CANCELLABLE_LOCALLY:
        with transaction.atomic():
            order = _lock(order.pk)
            if order.status not in states.ORDER_CANCELLABLE_LOCALLY:
                raise ConflictError("The order has moved on; try again.", code="order_moved_on")
            states.order_transition(order=order, to=S.CANCELLED, actor=actor_label(actor), message="cancelled")
            OutboxMessage.objects.filter(order=order, status=OutboxMessage.Status.PENDING).update(
                status=OutboxMessage.Status.DONE, done_at=timezone.now()
            )
            audit_record(action="orders.order.cancelled", actor=actor, target=order)
        return order
    if order.status not in states.ORDER_CANCELLABLE_AT_EXCHANGE or order.payment_confirmed_at:
        raise ConflictError("This order can no longer be cancelled.", code="cancel_not_allowed")
    gateway = gateway_get(order.gateway)
    client = ExchangeClient.objects.get(investor=order.investor, gateway=order.gateway)
    with transaction.atomic():
        trans_no = attempt_ref_for(gateway=gateway)
    try:
        gateway.cancel_order(
            OrderCancelRequest(ctx=_context(order, client, trans_no), exchange_order_id=order.exchange_order_id,
                               scheme_code=gateway.scheme_code(scheme=order.scheme), kind=order.kind,
                               amount=order.amount), call=_call_for(order))  # fmt: skip
    except GatewayRejected as exc:
        raise ApplicationError(exc.message, code=exc.code, status_code=409) from exc
    except GatewayError as exc:
        raise ApplicationError("The exchange could not be reached; try again.", code="exchange_unavailable",
                               status_code=503) from exc  # fmt: skip
    with transaction.atomic():
        order = _lock(order.pk)
        if states.order_can_transition(order=order, to=S.CANCELLED):
            states.order_transition(order=order, to=S.CANCELLED, actor=actor_label(actor),
                                    message="cancelled at the exchange", data={"trans_no": trans_no})  # fmt: skip
        audit_record(action="orders.order.cancelled", actor=actor, target=order, extra={"at_exchange": True})
    return order


# --- payment and allotment ------------------------------------------------------------------------------


def order_payment_link(*, order: Order, return_url: str) -> str:
    if order.kind != OrderKind.PURCHASE or order.status != S.PAYMENT_PENDING:
        raise ConflictError("This order is not waiting for a payment.", code="payment_not_expected")
    gateway = gateway_get(order.gateway)
    client = ExchangeClient.objects.get(investor=order.investor, gateway=order.gateway)
    bank = order.investor.bank_accounts.order_by("-is_primary").first()
    try:
        link = gateway.payment_link(
            PaymentLinkRequest(client_code=client.client_code, exchange_order_ids=(order.exchange_order_id,),
                               amount=order.amount, return_url=return_url,
                               bank_account_number=bank.account_number if bank else "",
                               bank_ifsc=bank.ifsc if bank else ""), call=_call_for(order))  # fmt: skip
    except GatewayRejected as exc:
        raise ApplicationError(exc.message, code=exc.code, status_code=409) from exc
    except GatewayError as exc:
        raise ApplicationError("The exchange could not be reached; try again.", code="exchange_unavailable",
                               status_code=503) from exc  # fmt: skip
    Order.objects.filter(pk=order.pk).update(payment_url=link.url[:500], updated_at=timezone.now())
    order.payment_url = link.url
    return link.url


def order_record_payment(*, order_id: int, realised_at: datetime) -> Order:
    """Funds realised: the purchase's NAV date follows the realisation time (SEBI, since 1-Feb-2021)."""
    with transaction.atomic():
        order = _lock(order_id)
        if order.payment_confirmed_at or order.status != S.PAYMENT_PENDING:
            return order
        previous = order.expected_nav_date
        order.payment_confirmed_at = realised_at
        order.expected_nav_date = expected_nav_date(at=realised_at, scheme=order.scheme, kind=order.kind)
        order.save(update_fields=["payment_confirmed_at", "expected_nav_date", "updated_at"])
        states.order_event(
            order=order, kind="payment_confirmed", message="funds realised",
            data={"previous_nav_date": previous.isoformat(), "nav_date": order.expected_nav_date.isoformat()},
        )  # fmt: skip
    return order


def order_record_allotment(*, order_id: int, record: AllotmentRecord) -> Order:
    """The registrar's allotment (or redemption): the order, the investor's ledger and (through the state
    machine) a notification, in one transaction. Recording the same allotment twice changes nothing. A
    switch completes when both its legs (switch_out and switch_in) are known."""
    with transaction.atomic():
        order = _lock(order_id)
        if order.status == S.SUCCESSFUL or order.status not in (S.ACCEPTED, S.PAYMENT_PENDING):
            return order
        folio = record.folio_number or order.folio_number
        if order.kind == OrderKind.SWITCH:
            if record.kind == "switch_in":
                order.switch_in_units, order.switch_in_nav = record.units, record.nav
            else:
                order.allotted_units, order.allotted_nav, order.allotted_amount = (
                    record.units,
                    record.nav,
                    record.amount,
                )
                order.nav_date = record.nav_date
            order.save(update_fields=["switch_in_units", "switch_in_nav", "allotted_units", "allotted_nav",
                                      "allotted_amount", "nav_date", "updated_at"])  # fmt: skip
            states.order_event(order=order, kind=f"{record.kind}_recorded", data={"units": str(record.units)})
            if order.switch_in_units is None or order.allotted_units is None:
                return order
        else:
            order.allotted_units, order.allotted_nav, order.allotted_amount = record.units, record.nav, record.amount
            order.nav_date = record.nav_date
        order.folio_number = folio
        states.order_transition(
            order=order, to=S.SUCCESSFUL,
            fields=("allotted_units", "allotted_nav", "allotted_amount", "nav_date", "folio_number"),
            message=f"allotted {order.allotted_units} units at {order.allotted_nav}",
            data={"rta_trans_no": record.rta_trans_no, "nav_date": record.nav_date.isoformat()},
        )  # fmt: skip
        _ledger_record(order)
        if order.sip_id and hasattr(order, "instalment"):
            order.instalment.status = "successful"
            order.instalment.save(update_fields=["status", "updated_at"])
    return order


def _ledger_record(order: Order) -> None:
    """The allotted order as lines of the investor's ledger (a switch: one line out, one in)."""
    common = {
        "investor": order.investor,
        "folio_number": order.folio_number,
        "trade_date": order.nav_date,
        "source": "order",
    }
    if order.kind == OrderKind.PURCHASE:
        transaction_record(
            **common, scheme=order.scheme, kind="sip" if order.sip_id else "purchase", amount=order.allotted_amount,
            units=order.allotted_units, nav=order.allotted_nav, source_ref=order.client_ref,
            description=f"Order {order.exchange_order_id}",
        )  # fmt: skip
    elif order.kind == OrderKind.REDEMPTION:
        transaction_record(
            **common, scheme=order.scheme, kind="redemption", amount=-order.allotted_amount,
            units=-order.allotted_units, nav=order.allotted_nav, source_ref=order.client_ref,
            description=f"Order {order.exchange_order_id}",
        )  # fmt: skip
    else:
        transaction_record(
            **common, scheme=order.scheme, kind="switch_out", amount=-order.allotted_amount,
            units=-order.allotted_units, nav=order.allotted_nav, source_ref=f"{order.client_ref}:out",
            description=f"Switch {order.exchange_order_id} out",
        )  # fmt: skip
        transaction_record(
            **common, scheme=order.to_scheme, kind="switch_in", amount=order.allotted_amount,
            units=order.switch_in_units, nav=order.switch_in_nav, source_ref=f"{order.client_ref}:in",
            description=f"Switch {order.exchange_order_id} in",
        )  # fmt: skip


def order_record_exchange_status(*, order_id: int, status: str, remarks: str) -> Order:
    """The exchange marked an accepted order invalid (e.g. payment not received) or cancelled it."""
    with transaction.atomic():
        order = _lock(order_id)
        target = S.CANCELLED if status == "CANCELLED" else S.REJECTED
        if not states.order_can_transition(order=order, to=target) or order.status not in (
            S.ACCEPTED,
            S.PAYMENT_PENDING,
        ):
            return order
        order.failure_code, order.failure_reason = "exchange_" + status.lower(), remarks[:500]
        states.order_transition(order=order, to=target, fields=("failure_code", "failure_reason"), message=remarks)
    return order
