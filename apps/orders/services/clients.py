"""The investor's registration at an exchange (UCC and FATCA at BSE, the CAN at MFU), made through the
gateway before the first order there."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.audit import audit_record
from apps.orders.gateways.interface import CallContext, ClientRegistrationRequest, GatewayRejected, TransactionGateway
from apps.orders.models import ExchangeClient


def _request(investor: Investor, client_code: str) -> ClientRegistrationRequest:
    bank = investor.bank_accounts.order_by("-is_primary", "created_at").first()
    return ClientRegistrationRequest(
        client_code=client_code,
        full_name=investor.full_name,
        pan=investor.pan or "",
        date_of_birth=investor.date_of_birth,
        tax_status=investor.tax_status,
        email=investor.email,
        mobile=investor.mobile,
        bank_account_number=bank.account_number if bank else "",
        bank_ifsc=bank.ifsc if bank else "",
        bank_account_type=bank.account_type if bank else "SB",
    )


def exchange_client_ensure(*, investor: Investor, gateway: TransactionGateway, call: CallContext) -> ExchangeClient:
    """Registers the investor at the gateway if not yet done (UCC, then FATCA). Idempotent; the gateway
    calls happen outside any transaction. Raises the gateway's errors."""
    with transaction.atomic():
        client, _ = ExchangeClient.objects.get_or_create(
            investor=investor,
            gateway=gateway.name,
            defaults={"client_code": gateway.client_code_for(investor_public_id=investor.public_id)},
        )
    if client.is_registered:
        return client
    request = _request(investor, client.client_code)
    try:
        if client.ucc_registered_at is None:
            gateway.register_client(request, call=call)
            client.ucc_registered_at = timezone.now()
            client.save(update_fields=["ucc_registered_at", "updated_at"])
        if client.fatca_registered_at is None:
            gateway.register_fatca(request, call=call)
            client.fatca_registered_at = timezone.now()
            client.save(update_fields=["fatca_registered_at", "updated_at"])
    except GatewayRejected as exc:
        client.last_error = exc.message[:500]
        client.save(update_fields=["last_error", "updated_at"])
        raise
    audit_record(
        action="orders.exchange_client.registered", actor_label="system", target=client,
        extra={"gateway": gateway.name, "client_code": client.client_code},
    )  # fmt: skip
    return client
