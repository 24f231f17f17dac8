"""SIPs (exchange XSIPs): the investor's OTP, registration through the outbox, instalments the exchange
generates (each one an order that follows the usual path to allotment), cancellation."""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.accounts.models import Investor, StaffMember
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.funds.market_calendar import trading_days_from
from apps.funds.models import Scheme
from apps.orders import states
from apps.orders.cutoff import expected_nav_date
from apps.orders.gateways.interface import (
    CallContext,
    CircuitOpen,
    GatewayError,
    GatewayNotSent,
    GatewayOutcomeUnknown,
    GatewayRejected,
    OrderContext,
    XsipCancelRequest,
    XsipRegisterRequest,
)
from apps.orders.gateways.registry import gateway_get
from apps.orders.gateways.router import route_for
from apps.orders.models import (
    ExchangeAttempt,
    ExchangeClient,
    Mandate,
    MandateStatus,
    Order,
    OrderKind,
    OrderStatus,
    OutboxMessage,
    SipFrequency,
    SipInstalment,
    SipRegistration,
    SipStatus,
)
from apps.orders.selectors import holds_folio_in_scheme
from apps.orders.services import idempotency
from apps.orders.services.attempts import attempt_finish
from apps.orders.services.clients import exchange_client_ensure
from apps.orders.services.common import actor_label
from apps.orders.services.confirmation import otp_challenge_send
from apps.orders.services.outbox import Retry, outbox_enqueue
from apps.orders.services.references import attempt_ref_for, client_ref_new
from apps.orders.validation import OrderRefused, sip_check

logger = logging.getLogger(__name__)
P = SipStatus


def sip_schedule(*, start: date, frequency: str, count: int) -> list[date]:
    dates = []
    for n in range(count):
        if frequency == SipFrequency.WEEKLY:
            dates.append(start + timedelta(weeks=n))
            continue
        months = n * (3 if frequency == SipFrequency.QUARTERLY else 1)
        year, month = divmod(start.month - 1 + months, 12)
        dates.append(date(start.year + year, month + 1, min(start.day, 28)))
    return dates


@transaction.atomic
def sip_create(
    *,
    investor: Investor,
    scheme: Scheme,
    mandate: Mandate,
    amount: Decimal,
    frequency: str,
    start_date: date,
    instalments: int,
    folio_number: str = "",
    first_order_today: bool = False,
    placed_by=None,
) -> SipRegistration:
    sip_check(investor=investor, scheme=scheme, amount=amount, instalments=instalments)
    if mandate.investor_id != investor.pk:
        raise OrderRefused("This mandate is not yours.", code="mandate_invalid")
    if mandate.status not in (MandateStatus.REGISTERED, MandateStatus.APPROVED):
        raise OrderRefused("The mandate is not registered at the exchange yet.", code="mandate_not_ready")
    if amount > mandate.amount_limit:
        raise OrderRefused("The instalment is above the mandate's limit.", code="mandate_limit_exceeded")
    if start_date < timezone.localdate() + timedelta(days=7):
        raise OrderRefused("The first instalment must be at least 7 days away.", code="start_too_soon")
    sip = SipRegistration.objects.create(
        investor=investor, placed_by=placed_by, scheme=scheme, mandate=mandate, amount=amount, frequency=frequency,
        start_date=start_date, instalments=instalments, folio_number=folio_number,
        first_order_today=first_order_today, client_ref=client_ref_new("S"),
    )  # fmt: skip
    SipInstalment.objects.bulk_create(
        SipInstalment(sip=sip, number=n, due_date=due)
        for n, due in enumerate(sip_schedule(start=start_date, frequency=frequency, count=instalments), start=1)
    )
    otp_challenge_send(target=sip)
    audit_record(action="orders.sip.created", actor=placed_by or investor.user, target=sip,
                 extra={"scheme": scheme.amfi_code, "amount": str(amount)})  # fmt: skip
    return sip


WEB_SIP_SCOPE = "web.sips.start"
PORTAL_SIP_SCOPE = "portal.sips.start"


def sip_start_from_form(
    *,
    investor: Investor,
    idempotency_key: str,
    scheme: Scheme,
    mandate: Mandate,
    amount: Decimal,
    frequency: str,
    start_date: date,
    instalments: int,
    member: StaffMember | None = None,
) -> SipRegistration:
    """A SIP from a web form: the investor's own, or one a staff member records on their behalf (`member`;
    the caller fetched the investor through the access selector). The form's one-time key makes a double
    submit answer with the SIP the first one wrote. Either way it waits for the investor's OTP."""
    if member is not None and not role_has_capability(member.role, Capability.ORDERS_PLACE):
        raise ApplicationError("Your role may not start SIPs.", code="forbidden", status_code=403)
    request = {"scheme": scheme.amfi_code, "mandate": str(mandate.public_id), "amount": amount,
               "frequency": frequency, "start_date": start_date, "instalments": instalments}  # fmt: skip

    def create() -> dict:
        sip = sip_create(
            investor=investor, scheme=scheme, mandate=mandate, amount=amount, frequency=frequency,
            start_date=start_date, instalments=instalments, folio_number=holds_folio_in_scheme(
                investor=investor, scheme=scheme),
            placed_by=member.user if member is not None else None,
        )  # fmt: skip
        return {"sip_id": str(sip.public_id)}

    try:
        body, _ = idempotency.idempotent_create(
            investor=investor, scope=PORTAL_SIP_SCOPE if member is not None else WEB_SIP_SCOPE,
            key=idempotency_key, request_data=request, create=create,
        )  # fmt: skip
    except idempotency.IdempotencyKeyReused:
        raise ApplicationError("This form was sent already with other values. Open a new SIP form.",
                               code="form_reused", status_code=409) from None  # fmt: skip
    except idempotency.IdempotencyInFlight:
        raise ApplicationError("This SIP is still being recorded. Look at the SIPs in a moment.",
                               code="form_in_flight", status_code=409) from None  # fmt: skip
    return SipRegistration.objects.get(investor=investor, public_id=body["sip_id"])


def sip_submit(*, sip_id: int) -> str:
    sip = SipRegistration.objects.select_related("investor", "scheme", "mandate").get(pk=sip_id)
    if sip.status != P.QUEUED:
        return "done"
    try:
        route = route_for("sip_register", pinned=sip.gateway if sip.gateway_pinned else sip.mandate.gateway)
    except CircuitOpen as exc:
        raise Retry(exc.message) from exc
    gateway = gateway_get(route.gateway)
    call = CallContext(sip_id=sip.pk, reference=sip.client_ref)
    try:
        client = exchange_client_ensure(investor=sip.investor, gateway=gateway, call=call)
        code = gateway.scheme_code(scheme=sip.scheme)
    except GatewayRejected as exc:
        _finish(sip_id, P.FAILED, reason=exc.message)
        return "done"
    except GatewayError as exc:
        raise Retry(exc.message) from exc
    with transaction.atomic():
        sip = SipRegistration.objects.select_for_update().get(pk=sip_id)
        if sip.status != P.QUEUED:
            return "done"
        trans_no = attempt_ref_for(gateway=gateway)
        attempt = ExchangeAttempt.objects.create(sip=sip, gateway=gateway.name, operation="xsip_register",
                                                 trans_no=trans_no)  # fmt: skip
        sip.gateway, sip.gateway_pinned, sip.exchange_ref = gateway.name, True, trans_no
        states.sip_transition(sip=sip, to=P.SUBMITTED, fields=("gateway", "gateway_pinned", "exchange_ref"))
    rm = sip.investor.relationship_manager
    ctx = OrderContext(reference=sip.client_ref, attempt_ref=trans_no, client_code=client.client_code,
                       euin=rm.euin if rm else "")  # fmt: skip
    try:
        result = gateway.xsip_register(
            XsipRegisterRequest(
                ctx=ctx, scheme_code=code, amount=sip.amount, frequency=sip.frequency, start_date=sip.start_date,
                instalments=sip.instalments, mandate_id=sip.mandate.exchange_mandate_id,
                folio_number=sip.folio_number, first_order_today=sip.first_order_today,
            ),
            call=call,
        )  # fmt: skip
    except GatewayRejected as exc:
        attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.REJECTED, error=exc)
        _finish(sip_id, P.REJECTED, reason=exc.message)
        return "done"
    except GatewayOutcomeUnknown as exc:
        # BSE offers no look-up of a registration by our reference: a person checks it; never resent
        attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.UNKNOWN, error=exc)
        _finish(sip_id, P.UNKNOWN, reason=f"Outcome unknown: {exc.message}. Check with the exchange.")
        return "done"
    except GatewayNotSent as exc:
        attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.NOT_SENT, error=exc)
        _finish(sip_id, P.QUEUED, reason=exc.message, pinned=False)
        raise Retry(exc.message) from exc
    attempt_finish(attempt=attempt, outcome=ExchangeAttempt.Outcome.ACCEPTED, message=result.message)
    with transaction.atomic():
        sip = SipRegistration.objects.select_for_update().get(pk=sip_id)
        sip.exchange_reg_id, sip.registered_at = result.reg_id, timezone.now()
        states.sip_transition(sip=sip, to=P.ACTIVE, fields=("exchange_reg_id", "registered_at"))
    return "done"


def _finish(sip_id: int, status: str, *, reason: str, pinned: bool | None = None) -> None:
    with transaction.atomic():
        sip = SipRegistration.objects.select_for_update().get(pk=sip_id)
        sip.failure_reason = reason[:500]
        fields = ["failure_reason"]
        if pinned is not None:
            sip.gateway_pinned = pinned
            fields.append("gateway_pinned")
        states.sip_transition(sip=sip, to=status, fields=tuple(fields))


def sip_cancel(*, sip: SipRegistration, actor=None, reason: str = "") -> SipRegistration:
    """Stops a SIP: at once while it has not reached the exchange, else through the outbox (the exchange's
    cancellation). `reason` (the person's own words) goes into the audit row."""
    with transaction.atomic():
        sip = SipRegistration.objects.select_for_update().get(pk=sip.pk)
        if sip.status in (P.PENDING_OTP, P.QUEUED):
            sip.cancelled_at = timezone.now()
            states.sip_transition(sip=sip, to=P.CANCELLED, fields=("cancelled_at",))
            OutboxMessage.objects.filter(sip=sip, status=OutboxMessage.Status.PENDING).update(
                status=OutboxMessage.Status.DONE, done_at=timezone.now()
            )
        elif sip.status == P.ACTIVE:
            states.sip_transition(sip=sip, to=P.CANCEL_REQUESTED)
            outbox_enqueue(kind=OutboxMessage.Kind.SIP_CANCEL, sip=sip)
        else:
            raise ConflictError("This SIP cannot be cancelled now.", code="cancel_not_allowed")
        audit_record(action="orders.sip.cancel", actor=actor, target=sip,
                     extra={"by": actor_label(actor), "reason": reason.strip()[:300]})  # fmt: skip
    return sip


def sip_cancel_at_exchange(*, sip_id: int) -> str:
    sip = SipRegistration.objects.select_related("investor", "scheme").get(pk=sip_id)
    if sip.status != P.CANCEL_REQUESTED:
        return "done"
    gateway = gateway_get(sip.gateway)
    client = ExchangeClient.objects.get(investor=sip.investor, gateway=sip.gateway)
    with transaction.atomic():
        trans_no = attempt_ref_for(gateway=gateway)
    try:
        gateway.xsip_cancel(
            XsipCancelRequest(ctx=OrderContext(reference=sip.client_ref, attempt_ref=trans_no,
                                               client_code=client.client_code),
                              reg_id=sip.exchange_reg_id,
                              scheme_code=gateway.scheme_code(scheme=sip.scheme)),
            call=CallContext(sip_id=sip.pk, reference=sip.client_ref),
        )  # fmt: skip
    except GatewayRejected as exc:
        _finish(sip_id, P.ACTIVE, reason=f"Cancellation refused: {exc.message}")
        return "done"
    except GatewayError as exc:
        raise Retry(exc.message) from exc
    with transaction.atomic():
        sip = SipRegistration.objects.select_for_update().get(pk=sip_id)
        sip.cancelled_at = timezone.now()
        states.sip_transition(sip=sip, to=P.CANCELLED, fields=("cancelled_at",))
        sip.instalment_rows.filter(status=SipInstalment.Status.SCHEDULED).update(status=SipInstalment.Status.CANCELLED)
    return "done"


def sips_sync_instalments(*, limit: int = 100) -> int:
    """Turns the exchange's child orders of active SIPs into our orders (then polled to allotment)."""
    created = 0
    for sip in SipRegistration.objects.filter(status=P.ACTIVE).select_related("investor", "scheme")[:limit]:
        client = ExchangeClient.objects.filter(investor=sip.investor, gateway=sip.gateway).first()
        if client is None:
            continue
        try:
            children = gateway_get(sip.gateway).xsip_child_orders(
                client_code=client.client_code, reg_id=sip.exchange_reg_id,
                call=CallContext(sip_id=sip.pk, reference=sip.client_ref),
            )  # fmt: skip
        except GatewayError as exc:
            logger.warning("child orders of SIP %s: %s", sip.pk, exc.message)
            continue
        for child in children:
            if sip_record_child_order(sip=sip, exchange_order_id=child.exchange_order_id, due_date=child.due_date,
                                      amount=child.amount):  # fmt: skip
                created += 1
    return created


def sip_record_child_order(*, sip: SipRegistration, exchange_order_id: str, due_date: date, amount: Decimal) -> bool:
    with transaction.atomic():
        SipRegistration.objects.select_for_update().get(pk=sip.pk)
        if Order.objects.filter(sip=sip, exchange_order_id=exchange_order_id).exists():
            return False
        now = timezone.now()
        order = Order.objects.create(
            investor=sip.investor, kind=OrderKind.PURCHASE, scheme=sip.scheme, amount=amount or sip.amount,
            folio_number=sip.folio_number, sip=sip, client_ref=client_ref_new("O"), placed_at=now,
            expected_nav_date=expected_nav_date(at=now, scheme=sip.scheme, kind=OrderKind.PURCHASE),
            status=OrderStatus.ACCEPTED, accepted_at=now, gateway=sip.gateway, gateway_pinned=True,
            exchange_order_id=exchange_order_id, next_check_at=now,
        )  # fmt: skip
        states.order_event(order=order, kind="sip_instalment", message=f"instalment of SIP {sip.exchange_reg_id}",
                           data={"due_date": due_date.isoformat()})  # fmt: skip
        states.order_transition(order=order, to=OrderStatus.PAYMENT_PENDING, message="mandate debit")
        # the instalment of that due date (one recorded as missed gets its late order), else the next one
        unordered = sip.instalment_rows.filter(order__isnull=True)
        instalment = (
            unordered.filter(due_date=due_date, status__in=(SipInstalment.Status.SCHEDULED,
                                                            SipInstalment.Status.MISSED)).first()
            or unordered.filter(status=SipInstalment.Status.SCHEDULED).order_by("number").first()
        )  # fmt: skip
        if instalment is not None:
            instalment.order, instalment.status, instalment.reason = order, SipInstalment.Status.ORDERED, ""
            instalment.save(update_fields=["order", "status", "reason", "updated_at"])
    return True


# --- instalments: what became of each one ---------------------------------------------------------

IS = SipInstalment.Status
DROPPED_ORDER_STATUSES = (OrderStatus.REJECTED, OrderStatus.FAILED, OrderStatus.CANCELLED)


def sip_instalments_process(*, today: date | None = None, limit: int = 100) -> dict[str, int]:
    """The daily instalment run (a beat job per distributor): the exchange's child orders of active SIPs
    become our orders (then polled to allotment like any purchase), and each instalment gets its outcome.
    An instalment is missed when the exchange dropped its order (e.g. the mandate was not approved by the
    debit date), or when no order exists `SIPS_MISSED_AFTER_TRADING_DAYS` trading days after its due date
    (IST). A SIP whose every instalment has an outcome is completed. `today` is the IST date the run acts
    as of (tests pass a fixed one)."""
    today = today or timezone.localdate()
    counts = {"ordered": sips_sync_instalments(limit=limit), "missed": 0, "completed": 0}
    counts["missed"] += _instalments_with_dropped_orders()
    counts["missed"] += _instalments_overdue(today=today)
    counts["completed"] += _sips_complete()
    return counts


def _instalments_with_dropped_orders() -> int:
    missed = 0
    rows = SipInstalment.objects.filter(status=IS.ORDERED, order__status__in=DROPPED_ORDER_STATUSES)
    for instalment in rows.select_related("order", "sip"):
        with transaction.atomic():
            locked = SipInstalment.objects.select_for_update().get(pk=instalment.pk)
            if locked.status != IS.ORDERED:
                continue
            order = instalment.order
            locked.status = IS.MISSED
            locked.reason = (order.failure_reason or f"The exchange {order.get_status_display().lower()} the order.")[
                :300
            ]
            locked.save(update_fields=["status", "reason", "updated_at"])
            audit_record(action="orders.sip.instalment_missed", actor=None, target=instalment.sip,
                         extra={"number": locked.number, "due_date": locked.due_date.isoformat()})  # fmt: skip
            missed += 1
    return missed


def _instalments_overdue(*, today: date) -> int:
    """Scheduled instalments of live SIPs that should have an order by now and have none."""
    grace = settings.SIPS_MISSED_AFTER_TRADING_DAYS
    candidates = SipInstalment.objects.filter(
        status=IS.SCHEDULED, order__isnull=True, due_date__lt=today,
        sip__status__in=(P.ACTIVE, P.CANCEL_REQUESTED),
    ).select_related("sip")  # fmt: skip
    missed = 0
    deadlines: dict[date, date] = {}
    for instalment in candidates:
        if instalment.due_date not in deadlines:
            deadlines[instalment.due_date] = trading_days_from(instalment.due_date, grace)
        if deadlines[instalment.due_date] >= today:
            continue
        with transaction.atomic():
            updated = SipInstalment.objects.filter(pk=instalment.pk, status=IS.SCHEDULED, order__isnull=True).update(
                status=IS.MISSED, reason="The exchange generated no order for this instalment.",
                updated_at=timezone.now(),
            )  # fmt: skip
            if updated:
                extra = {"number": instalment.number, "due_date": instalment.due_date.isoformat()}
                audit_record(action="orders.sip.instalment_missed", target=instalment.sip, extra=extra)
                missed += updated
    return missed


def _sips_complete() -> int:
    """Active SIPs with no instalment left to run (scheduled, or ordered and not yet allotted)."""
    open_rows = SipInstalment.objects.filter(sip=OuterRef("pk"), status__in=(IS.SCHEDULED, IS.ORDERED))
    done = SipRegistration.objects.filter(status=P.ACTIVE).exclude(Exists(open_rows)).values_list("pk", flat=True)
    completed = 0
    for sip_id in list(done[:500]):
        with transaction.atomic():
            sip = SipRegistration.objects.select_for_update().get(pk=sip_id)
            still_open = sip.instalment_rows.filter(status__in=(IS.SCHEDULED, IS.ORDERED)).exists()
            if sip.status == P.ACTIVE and not still_open:
                states.sip_transition(sip=sip, to=P.COMPLETED)
                completed += 1
    return completed
