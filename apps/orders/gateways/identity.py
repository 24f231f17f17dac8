"""Each distributor trades under its own exchange identity: its BSE member code, user id and password,
its MF Utilities entity id and credentials, and its ARN (on the Distributor). Nothing falls back to a
platform-wide identity: a distributor without one cannot reach the exchange.

Passwords are encrypted at rest, never shown again once set, and replaced (rotated) by setting them
anew. The gateway registry asks `exchange_identity_get` for the identity of the current schema, so an
order always goes out under the identity of the schema it lives in. Setting, showing and testing an
identity: apps/orders/services/exchange_identity.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from apps.core.crypto import DecryptionFailed, decrypt, encrypt
from apps.orders.gateways.interface import GatewayNotSent
from apps.orders.models import Gateway, GatewayRouting


class ExchangeIdentityMissing(GatewayNotSent):
    """The distributor has not configured its identity at this gateway: nothing is sent (an order fails
    with this reason; reads are simply not made)."""


@dataclass(frozen=True)
class BseIdentity:
    member_id: str
    user_id: str
    password: str
    arn: str

    def __repr__(self) -> str:  # the password never reaches a log line
        return f"BseIdentity(member_id={self.member_id!r}, user_id={self.user_id!r}, arn={self.arn!r})"


@dataclass(frozen=True)
class MfuIdentity:
    entity_id: str
    username: str
    password: str
    arn: str

    def __repr__(self) -> str:
        return f"MfuIdentity(entity_id={self.entity_id!r}, username={self.username!r}, arn={self.arn!r})"


def distributor_arn() -> str:
    """The ARN of the distributor whose schema is active."""
    tenant = getattr(connection, "tenant", None)
    return (getattr(tenant, "arn", "") or "").strip()


SECRET_PURPOSE = "exchange-credentials"


def secret_seal(value: str) -> str:
    return encrypt(value, purpose=SECRET_PURPOSE)


def secret_open(token: str) -> str | None:
    """The secret, or None when none is stored or no configured key opens it (a dropped key)."""
    if not token:
        return None
    try:
        return decrypt(token, purpose=SECRET_PURPOSE)
    except DecryptionFailed:
        return None


def exchange_identity_get(*, gateway: str, routing: GatewayRouting) -> BseIdentity | MfuIdentity:
    """The current distributor's identity at `gateway`; ExchangeIdentityMissing when any part is unset."""
    arn = distributor_arn()
    if gateway == Gateway.BSE_STARMF:
        password = secret_open(routing.bse_password_encrypted)
        if not (routing.bse_member_id and routing.bse_user_id and password and arn):
            raise ExchangeIdentityMissing(
                "This distributor has no BSE StAR MF identity (member code, user id, password and ARN).",
                code="identity_missing",
            )
        return BseIdentity(member_id=routing.bse_member_id, user_id=routing.bse_user_id, password=password, arn=arn)
    if gateway == Gateway.MFU:
        password = secret_open(routing.mfu_password_encrypted)
        if not (routing.mfu_entity_id and routing.mfu_username and password and arn):
            raise ExchangeIdentityMissing(
                "This distributor has no MF Utilities identity (entity id, user name, password and ARN).",
                code="identity_missing",
            )
        return MfuIdentity(entity_id=routing.mfu_entity_id, username=routing.mfu_username, password=password, arn=arn)
    raise ExchangeIdentityMissing(f"Unknown gateway {gateway!r}.", code="identity_missing")
