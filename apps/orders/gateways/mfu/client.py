"""MF Utilities JSON client. MFU publishes no public specification; what is public (a token call returning
access_token and expires_in, JSON requests with reqHeader {entityId, version, reqTS, apiType, uniqueId}
and an AES-encrypted reqBody, answers with respHeader.respFlag S|F and error codes) is followed here.
UNVERIFIED and therefore configurable: the paths, the cipher (AES-256-GCM, 12-byte nonce prefix,
base64) and the body field names."""

import base64
import json
import os
from datetime import datetime
from typing import Any

import requests
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.cache import caches
from django.db import connection, transaction

from apps.orders.gateways.base import guarded_call
from apps.orders.gateways.interface import (
    CallContext,
    GatewayError,
    GatewayNotSent,
    GatewayOutcomeUnknown,
    GatewayRejected,
)
from apps.orders.gateways.transport import GuardedSession

TOKEN_ERRORS = {"TOKEN_EXPIRED", "INVALID_TOKEN"}
ERRORS: dict[str, tuple[str, bool]] = {
    "TOKEN_EXPIRED": ("session_expired", True),
    "INVALID_TOKEN": ("session_expired", True),
    "DUPLICATE_REQUEST": ("duplicate_attempt_ref", False),
    "INVALID_CAN": ("client_not_registered", False),
    "INVALID_SCHEME": ("scheme_not_available", False),
    "ORDER_NOT_FOUND": ("order_not_found", False),
    "CANCEL_NOT_ALLOWED": ("cancel_not_allowed", False),
    "SERVICE_UNAVAILABLE": ("exchange_unavailable", True),
    "INVALID_REQUEST": ("invalid_request", False),
}


def encrypt(key: bytes, payload: dict[str, Any]) -> str:
    nonce = os.urandom(12)
    data = AESGCM(key).encrypt(nonce, json.dumps(payload, separators=(",", ":")).encode(), None)
    return base64.b64encode(nonce + data).decode()


def decrypt(key: bytes, token: str) -> dict[str, Any]:
    raw = base64.b64decode(token)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], None))


class MfuClient:
    name = "mfu"

    def __init__(self, *, base_url: str, entity_id: str, username: str, password: str, aes_key: str,
                 version: str, timeout: float):  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.entity_id = entity_id
        self.username = username
        self.password = password
        self.key = base64.b64decode(aes_key)
        self.version = version
        self.timeout = timeout
        self.session = GuardedSession()

    def _token_key(self) -> str:
        return f"orders:mfu:token:{self.entity_id}"

    def login_check(self) -> None:
        """A fresh token (replacing any cached one): raises when MFU refuses the login."""
        caches["gateways"].delete(self._token_key())
        self._token(call=None)

    def _token(self, *, call: CallContext | None) -> str:
        cache = caches["gateways"]
        token = cache.get(self._token_key())
        if token:
            return token
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self._token_key()])
            token = cache.get(self._token_key())
            if token:
                return token
            body = {"entityId": self.entity_id, "userName": self.username, "password": self.password}

            def invoke():
                response = self.session.post(f"{self.base_url}/GetAccessTokenV1", json=body, timeout=self.timeout)
                if response.status_code >= 500:
                    raise GatewayNotSent(f"MFU token call answered {response.status_code}.", code="http_error")
                return response.json()

            def check(data):
                if not data.get("access_token"):
                    header = data.get("respHeader") or {}
                    raise GatewayRejected(header.get("errorMsg") or "MFU refused the login.", code="login_failed")

            try:
                data = guarded_call(
                    gateway=self.name, operation="GetAccessTokenV1", call=call, request=body, side_effect=False,
                    invoke=invoke, describe=lambda d: json.dumps({k: v for k, v in d.items() if k != "access_token"}),
                    check=check,
                )  # fmt: skip
            except GatewayError as exc:
                failure = exc  # raised after the block commits, so the failed login's audit row is kept
            else:
                ttl = max(30, int(data.get("expires_in") or 300) - 60)
                cache.set(self._token_key(), data["access_token"], timeout=ttl)
                return data["access_token"]
        raise failure

    def call(self, api_type: str, body: dict[str, Any], *, unique_id: str, call: CallContext | None,
             side_effect: bool) -> dict[str, Any]:  # fmt: skip
        """One API call; returns the decrypted respBody. Raises the interface's errors. A token MFU no longer
        accepts (expired early, revoked) is renewed and the call made once more: MFU refused it before
        processing anything, so even an order is safe to send again."""
        try:
            return self._call(api_type, body, unique_id=unique_id, call=call, side_effect=side_effect)
        except GatewayNotSent as exc:
            if exc.code != "session_expired":
                raise
        return self._call(api_type, body, unique_id=unique_id, call=call, side_effect=side_effect)

    def _call(self, api_type: str, body: dict[str, Any], *, unique_id: str, call: CallContext | None,
              side_effect: bool) -> dict[str, Any]:  # fmt: skip
        token = self._token(call=call)
        envelope = {
            "reqHeader": {
                "entityId": self.entity_id, "version": self.version,
                "reqTS": datetime.now().strftime("%Y-%m-%dT%H:%M:%S"), "apiType": api_type, "uniqueId": unique_id,
            },
            "reqBody": encrypt(self.key, body),
        }  # fmt: skip

        def invoke():
            response = self.session.post(
                f"{self.base_url}/api/{api_type}", json=envelope, timeout=self.timeout,
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip
            if response.status_code in (502, 503):
                raise GatewayNotSent(f"MFU answered HTTP {response.status_code}.", code=f"http_{response.status_code}")
            if response.status_code >= 500:
                error = GatewayOutcomeUnknown if side_effect else GatewayNotSent
                raise error(f"MFU answered HTTP {response.status_code}.", code=f"http_{response.status_code}")
            try:
                return response.json()
            except ValueError as exc:
                error = GatewayOutcomeUnknown if side_effect else GatewayNotSent
                raise error("Unreadable MFU answer.", code="unreadable_reply") from exc

        def check(data):
            header = data.get("respHeader") or {}
            if header.get("respFlag") == "S":
                return
            code = str(header.get("errorCode") or "")
            if code in TOKEN_ERRORS:
                caches["gateways"].delete(self._token_key())
            ours, transient = ERRORS.get(code, ("exchange_rejected", False))
            error = GatewayNotSent if transient else GatewayRejected
            raise error(header.get("errorMsg") or code or "MFU refused the request.", code=ours)

        data = guarded_call(
            gateway=self.name, operation=api_type, call=call, request={"header": envelope["reqHeader"], "body": body},
            side_effect=side_effect, invoke=invoke,
            describe=lambda d: json.dumps(d.get("respHeader") or {}), check=check,
        )  # fmt: skip
        try:
            return decrypt(self.key, data.get("respBody") or "") if data.get("respBody") else {}
        except Exception as exc:  # noqa: BLE001 - a body we cannot read is no answer
            error = GatewayOutcomeUnknown if side_effect else GatewayNotSent
            raise error("Undecryptable MFU answer.", code="unreadable_reply") from exc


def http_errors() -> tuple[type[Exception], ...]:
    return (requests.exceptions.RequestException,)
