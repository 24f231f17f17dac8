"""Setting, showing and testing a distributor's exchange identity (apps/orders/gateways/identity.py):
used by the `configure_gateway` command and the owner's settings -> exchange page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError
from apps.orders.gateways.identity import distributor_arn, secret_seal
from apps.orders.gateways.interface import GatewayError
from apps.orders.gateways.registry import gateway_get, routing_get
from apps.orders.models import Gateway, GatewayRouting
from tenants.models import Distributor

BSE_MEMBER_MAX, BSE_USER_MAX, MFU_ENTITY_MAX = 10, 10, 20
PRIMARY_OPERATIONS = ("purchase", "redemption", "switch", "sip_register", "mandate_register")


@dataclass(frozen=True)
class IdentitySummary:
    """What the portal and the command may show: never a password, only whether one is set."""

    gateway: str
    configured: bool
    login_id: str
    account_id: str
    password_set: bool
    rotated_at: datetime | None
    arn: str
    primary_for: tuple[str, ...]


def exchange_identity_summaries() -> list[IdentitySummary]:
    routing = routing_get()
    arn = distributor_arn()
    effective = {op: (routing.primary or {}).get(op) or routing.default_gateway for op in PRIMARY_OPERATIONS}
    primary = {name: tuple(op for op in PRIMARY_OPERATIONS if effective[op] == name) for name in Gateway.values}
    return [
        IdentitySummary(
            gateway=Gateway.BSE_STARMF, login_id=routing.bse_user_id, account_id=routing.bse_member_id,
            password_set=bool(routing.bse_password_encrypted), rotated_at=routing.bse_rotated_at, arn=arn,
            configured=bool(routing.bse_member_id and routing.bse_user_id and routing.bse_password_encrypted and arn),
            primary_for=primary[Gateway.BSE_STARMF],
        ),
        IdentitySummary(
            gateway=Gateway.MFU, login_id=routing.mfu_username, account_id=routing.mfu_entity_id,
            password_set=bool(routing.mfu_password_encrypted), rotated_at=routing.mfu_rotated_at, arn=arn,
            configured=bool(routing.mfu_entity_id and routing.mfu_username and routing.mfu_password_encrypted and arn),
            primary_for=primary[Gateway.MFU],
        ),
    ]  # fmt: skip


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_identity", extra={"field": field})


def _validate_bse(*, member_id: str, user_id: str) -> None:
    if not (member_id.isdigit() and 1 <= len(member_id) <= BSE_MEMBER_MAX):
        raise _field_error("member_id", "The BSE member code is up to 10 digits.")
    if not (user_id.isdigit() and user_id.startswith(member_id) and len(user_id) <= BSE_USER_MAX):
        raise _field_error("user_id", "The BSE user id is the member code followed by the user number.")


def _validate_mfu(*, entity_id: str, username: str) -> None:
    if not entity_id or len(entity_id) > MFU_ENTITY_MAX or not entity_id.isalnum():
        raise _field_error("entity_id", "The MFU entity id is up to 20 letters and digits.")
    if not username or len(username) > 60:
        raise _field_error("username", "The MFU user name is required (up to 60 characters).")


@transaction.atomic
def exchange_identity_set(
    *,
    gateway: str,
    account_id: str,
    login_id: str,
    password: str = "",
    primary_for: tuple[str, ...] | None = None,
    actor=None,
    actor_label: str = "",
) -> GatewayRouting:
    """Sets the distributor's identity at `gateway`. `account_id` is the BSE member code or the MFU entity
    id; `login_id` the BSE user id or the MFU user name. An empty password keeps the stored one (a first
    set needs one); a new one replaces it (rotation). `primary_for` makes this gateway the primary rail for
    those operations. The audit row names what changed, never the password."""
    account_id, login_id = account_id.strip(), login_id.strip()
    if gateway not in Gateway.values:
        raise _field_error("gateway", f"Unknown gateway {gateway!r}.")
    if not distributor_arn():
        raise _field_error("arn", "Set the distributor's ARN before its exchange identity.")
    routing = GatewayRouting.objects.select_for_update().get(pk=routing_get().pk)
    fields: list[str] = []
    if gateway == Gateway.BSE_STARMF:
        _validate_bse(member_id=account_id, user_id=login_id)
        _ensure_unique(gateway=gateway, account_id=account_id)
        if not password and not routing.bse_password_encrypted:
            raise _field_error("password", "A password is required.")
        routing.bse_member_id, routing.bse_user_id = account_id, login_id
        fields += ["bse_member_id", "bse_user_id"]
        if password:
            routing.bse_password_encrypted, routing.bse_rotated_at = secret_seal(password), timezone.now()
            fields += ["bse_password_encrypted", "bse_rotated_at"]
    else:
        _validate_mfu(entity_id=account_id, username=login_id)
        _ensure_unique(gateway=gateway, account_id=account_id)
        if not password and not routing.mfu_password_encrypted:
            raise _field_error("password", "A password is required.")
        routing.mfu_entity_id, routing.mfu_username = account_id, login_id
        fields += ["mfu_entity_id", "mfu_username"]
        if password:
            routing.mfu_password_encrypted, routing.mfu_rotated_at = secret_seal(password), timezone.now()
            fields += ["mfu_password_encrypted", "mfu_rotated_at"]
    if primary_for:
        unknown = set(primary_for) - set(PRIMARY_OPERATIONS)
        if unknown:
            raise _field_error("primary_for", f"Unknown operations: {', '.join(sorted(unknown))}.")
        routing.primary = {**(routing.primary or {}), **dict.fromkeys(primary_for, gateway)}
        fields.append("primary")
    routing.save(update_fields=[*fields, "updated_at"])
    _drop_cached_sessions(gateway=gateway, routing=routing)
    audit_record(
        action="orders.exchange_identity.set", actor=actor, actor_label=actor_label, target=routing,
        extra={"gateway": gateway, "account_id": account_id, "login_id": login_id,
               "password_rotated": bool(password), "primary_for": list(primary_for or ())},
    )  # fmt: skip
    return routing


def _ensure_unique(*, gateway: str, account_id: str) -> None:
    """No distributor may configure another's member code or entity id (it would trade under it)."""
    current = getattr(connection, "tenant", None)
    field = "bse_member_id" if gateway == Gateway.BSE_STARMF else "mfu_entity_id"
    for other in Distributor.objects.distributors().exclude(pk=getattr(current, "pk", None)):
        with tenant_context(other):
            taken = GatewayRouting.objects.filter(**{field: account_id}).exists()
        if taken:
            raise _field_error("account_id", "This exchange account belongs to another distributor.")


def _drop_cached_sessions(*, gateway: str, routing: GatewayRouting) -> None:
    """A changed identity must log in afresh: drop sessions cached under it after the commit."""
    keys = (
        [f"orders:bse:session:{kind}:{routing.bse_member_id}:{routing.bse_user_id}" for kind in ("order", "services")]
        if gateway == Gateway.BSE_STARMF
        else [f"orders:mfu:token:{routing.mfu_entity_id}"]
    )
    transaction.on_commit(lambda: caches["gateways"].delete_many(keys))


@dataclass(frozen=True)
class ConnectionTest:
    gateway: str
    ok: bool
    message: str


def exchange_connection_test(*, gateway: str, actor=None) -> ConnectionTest:
    """Performs the gateway's login with the stored identity (a fresh session, never a cached one) and
    records the outcome in the audit log."""
    try:
        gateway_get(gateway).login_check()
    except GatewayError as exc:
        result = ConnectionTest(gateway=gateway, ok=False, message=exc.message)
    else:
        result = ConnectionTest(gateway=gateway, ok=True, message="Signed in to the exchange.")
    audit_record(
        action="orders.exchange_identity.tested", actor=actor, target=routing_get(),
        extra={"gateway": gateway, "ok": result.ok, "message": result.message[:300]},
    )  # fmt: skip
    return result
