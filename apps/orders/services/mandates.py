"""Debit mandates: the investor's OTP, registration at the exchange, then the bank's approval (polled)."""

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import BankAccount, Investor
from apps.core.audit import audit_record
from apps.core.exceptions import NotFoundError
from apps.orders import states
from apps.orders.gateways.interface import (
    CallContext,
    CircuitOpen,
    GatewayError,
    GatewayNotSent,
    GatewayRejected,
    MandateRegisterRequest,
    Operation,
)
from apps.orders.gateways.registry import gateway_get
from apps.orders.gateways.router import route_for
from apps.orders.models import ExchangeClient, Mandate, MandateStatus
from apps.orders.services.clients import exchange_client_ensure
from apps.orders.services.confirmation import otp_challenge_send
from apps.orders.services.outbox import Retry
from apps.orders.validation import OrderRefused, investor_check, operation_check

logger = logging.getLogger(__name__)
M = MandateStatus


@transaction.atomic
def mandate_create(
    *,
    investor: Investor,
    bank_account: BankAccount,
    amount_limit: Decimal,
    mandate_type: str,
    start_date: date,
    end_date: date,
) -> Mandate:
    """A mandate on one of the investor's bank accounts (fetched through access_bank_account_by_id),
    waiting for the investor's OTP."""
    investor_check(investor=investor)
    operation_check(operation=Operation.MANDATE_REGISTER)
    if bank_account.investor_id != investor.pk:
        raise NotFoundError("No such bank account.")
    if end_date <= start_date:
        raise OrderRefused("The mandate must end after it starts.", code="invalid_dates")
    if amount_limit <= 0:
        raise OrderRefused("The limit must be positive.", code="invalid_quantity")
    mandate = Mandate.objects.create(
        investor=investor, bank_account=bank_account, amount_limit=amount_limit, mandate_type=mandate_type,
        start_date=start_date, end_date=end_date,
    )  # fmt: skip
    otp_challenge_send(target=mandate)
    audit_record(action="orders.mandate.created", actor=investor.user, target=mandate)
    return mandate


def mandate_submit(*, mandate_id: int) -> str:
    mandate = Mandate.objects.select_related("investor", "bank_account").get(pk=mandate_id)
    if mandate.status != M.QUEUED:
        return "done"
    try:
        route = route_for("mandate_register")
    except CircuitOpen as exc:
        raise Retry(exc.message) from exc
    gateway = gateway_get(route.gateway)
    call = CallContext(mandate_id=mandate.pk, reference=str(mandate.public_id))
    try:
        client = exchange_client_ensure(investor=mandate.investor, gateway=gateway, call=call)
    except GatewayRejected as exc:
        _finish(mandate_id, M.FAILED, reason=exc.message)
        return "done"
    except GatewayError as exc:
        raise Retry(exc.message) from exc
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().get(pk=mandate_id)
        if mandate.status != M.QUEUED:
            return "done"
        mandate.gateway = gateway.name
        states.mandate_transition(mandate=mandate, to=M.SUBMITTED, fields=("gateway",))
    bank = mandate.bank_account
    try:
        result = gateway.mandate_register(
            MandateRegisterRequest(
                client_code=client.client_code, amount=mandate.amount_limit, mandate_type=mandate.mandate_type,
                bank_account_number=bank.account_number, bank_ifsc=bank.ifsc, bank_account_type=bank.account_type,
                start_date=mandate.start_date, end_date=mandate.end_date,
            ),
            call=call,
        )  # fmt: skip
    except GatewayRejected as exc:
        _finish(mandate_id, M.REJECTED, reason=exc.message)
        return "done"
    except GatewayNotSent as exc:
        _finish(mandate_id, M.QUEUED, reason=exc.message)
        raise Retry(exc.message) from exc
    except GatewayError as exc:
        # the registration may exist at the exchange: left for a person to check, never sent again blindly
        Mandate.objects.filter(pk=mandate_id).update(failure_reason=f"Outcome unknown: {exc.message}"[:500])
        logger.error("mandate %s: outcome unknown at %s", mandate_id, gateway.name)
        return "done"
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().get(pk=mandate_id)
        mandate.exchange_mandate_id, mandate.registered_at = result.mandate_id, timezone.now()
        states.mandate_transition(mandate=mandate, to=M.REGISTERED, fields=("exchange_mandate_id", "registered_at"))
    return "done"


def _finish(mandate_id: int, status: str, *, reason: str) -> None:
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().get(pk=mandate_id)
        mandate.failure_reason = reason[:500]
        states.mandate_transition(mandate=mandate, to=status, fields=("failure_reason",))


def mandates_refresh(*, limit: int = 100) -> int:
    """Asks the exchange about mandates waiting for the bank."""
    changed = 0
    for mandate in Mandate.objects.filter(status=M.REGISTERED).select_related("investor")[:limit]:
        client = ExchangeClient.objects.filter(investor=mandate.investor, gateway=mandate.gateway).first()
        if client is None:
            continue
        try:
            record = gateway_get(mandate.gateway).mandate_status(
                client_code=client.client_code, mandate_id=mandate.exchange_mandate_id,
                call=CallContext(mandate_id=mandate.pk, reference=mandate.exchange_mandate_id),
            )  # fmt: skip
        except GatewayError as exc:
            logger.warning("mandate status for %s failed: %s", mandate.pk, exc.message)
            continue
        target = {"approved": M.APPROVED, "rejected": M.REJECTED, "cancelled": M.CANCELLED}.get(record.state)
        if target:
            with transaction.atomic():
                locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
                if locked.status == M.REGISTERED:
                    locked.approved_at = timezone.now() if target == M.APPROVED else None
                    locked.failure_reason = "" if target == M.APPROVED else record.message[:500]
                    states.mandate_transition(mandate=locked, to=target, fields=("approved_at", "failure_reason"))
                    changed += 1
    return changed
