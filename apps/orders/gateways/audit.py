"""One audit row per external call, secrets removed and personal data masked."""

import re
from typing import Any

from apps.core.logging import mask_pii, mask_text
from apps.orders.gateways.interface import CallContext
from apps.orders.models import GatewayCall

SECRET_KEYS = {"password", "passkey", "encryptedpassword", "access_token", "accesstoken", "secret", "token"}
_SECRET_XML = re.compile(r"(<(?:\w+:)?(?:Password|PassKey|EncryptedPassword)>)[^<]*(</)", flags=re.IGNORECASE)
_BANK_ACCOUNT = re.compile(r"\b(\d{5,14})(\d{4})\b")


def scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if str(k).lower() in SECRET_KEYS else scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return _BANK_ACCOUNT.sub(lambda m: "X" * len(m.group(1)) + m.group(2), value)
    return value


# Operations whose reply is itself a credential (BSE's getPassword answers "100|<session password>"): only
# the status code before the first "|" is kept.
_CREDENTIAL_REPLIES = ("getPassword",)


def scrub_reply(operation: str, text: str) -> str:
    if operation.rsplit(".", 1)[-1] in _CREDENTIAL_REPLIES and text:
        status, separator, _ = text.partition("|")
        return f"{status}{separator}***" if separator else "***"
    return scrub_text(text)


def scrub_text(text: str) -> str:
    text = _SECRET_XML.sub(r"\1***\2", text or "")
    return mask_text(text)[:4000]


def record_call(
    *,
    gateway: str,
    operation: str,
    call: CallContext | None,
    request: dict[str, Any],
    response: str,
    latency_ms: int,
    outcome: str,
    error_code: str = "",
    http_status: int | None = None,
) -> GatewayCall:
    call = call or CallContext()
    return GatewayCall.objects.create(
        gateway=gateway,
        operation=operation,
        order_id=call.order_id,
        sip_id=call.sip_id,
        mandate_id=call.mandate_id,
        reference=call.reference[:60],
        request=mask_pii(scrub(request)),
        response=scrub_reply(operation, response),
        latency_ms=max(0, latency_ms),
        outcome=outcome,
        error_code=error_code[:40],
        http_status=http_status,
    )
