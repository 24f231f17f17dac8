"""Push through Firebase Cloud Messaging's HTTP v1 API: an OAuth2 access token from the service account
(a JWT signed RS256 with its private key, exchanged at its token_uri), then
POST {FCM_BASE_URL}/v1/projects/{project_id}/messages:send. FCM_BASE_URL and the service account's
token_uri point at the sandbox in development and tests."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.core.cache import caches

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class PushError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class PushTokenInvalid(PushError):
    """FCM no longer knows the device token (UNREGISTERED, INVALID_ARGUMENT): stop sending to it."""

    def __init__(self, message: str):
        super().__init__(message, transient=False)


@dataclass(frozen=True)
class PushMessage:
    token: str
    title: str
    body: str
    data: dict[str, str]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def service_account() -> dict:
    raw = settings.FCM_SERVICE_ACCOUNT
    if not raw:
        raise PushError("Push is not configured (FCM_SERVICE_ACCOUNT).", transient=False)
    return json.loads(raw) if raw.lstrip().startswith("{") else json.loads(open(raw).read())  # noqa: SIM115, PTH123


def signed_assertion(account: dict, *, now: int | None = None) -> str:
    now = int(now or time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": account.get("private_key_id", "")}
    claims = {"iss": account["client_email"], "scope": SCOPE, "aud": account["token_uri"], "iat": now,
              "exp": now + 3600}  # fmt: skip
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()
    key = serialization.load_pem_private_key(account["private_key"].encode(), password=None)
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode()}.{_b64(signature)}"


class FcmClient:
    def __init__(self, *, account: dict | None = None, base_url: str | None = None, timeout: float | None = None):
        self.account = account or service_account()
        self.base_url = (base_url or settings.FCM_BASE_URL).rstrip("/")
        self.timeout = timeout or settings.FCM_TIMEOUT
        self.session = requests.Session()
        self.session.trust_env = False

    def _token_key(self) -> str:
        return f"notifications:fcm:token:{self.account['client_email']}"

    def access_token(self) -> str:
        cache = caches["default"]
        token = cache.get(self._token_key())
        if token:
            return token
        try:
            response = self.session.post(
                self.account["token_uri"], timeout=self.timeout,
                data={"grant_type": JWT_BEARER, "assertion": signed_assertion(self.account)},
            )  # fmt: skip
        except requests.RequestException as exc:
            raise PushError(f"FCM token request failed: {exc}", transient=True) from exc
        if response.status_code != 200:
            raise PushError(f"FCM refused the service account ({response.status_code}).", transient=False)
        data = response.json()
        cache.set(self._token_key(), data["access_token"], timeout=max(60, int(data.get("expires_in", 3600)) - 120))
        return data["access_token"]

    def send(self, message: PushMessage) -> str:
        """Returns FCM's message name (projects/<id>/messages/<id>)."""
        url = f"{self.base_url}/v1/projects/{self.account['project_id']}/messages:send"
        body = {"message": {"token": message.token, "notification": {"title": message.title, "body": message.body},
                            "data": {k: str(v) for k, v in message.data.items()}}}  # fmt: skip
        try:
            response = self.session.post(
                url, json=body, timeout=self.timeout, headers={"Authorization": f"Bearer {self.access_token()}"}
            )
        except requests.RequestException as exc:
            raise PushError(f"FCM did not answer: {exc}", transient=True) from exc
        if response.status_code == 200:
            return response.json()["name"]
        if response.status_code == 401:
            caches["default"].delete(self._token_key())
            raise PushError("FCM refused the access token.", transient=True)
        error = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        code = _fcm_error_code(error)
        if code in ("UNREGISTERED", "INVALID_ARGUMENT"):
            raise PushTokenInvalid(f"FCM: {code}")
        raise PushError(f"FCM answered {response.status_code} {code}", transient=response.status_code >= 500
                        or code in ("UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED"))  # fmt: skip


def _fcm_error_code(payload: dict) -> str:
    error = payload.get("error") or {}
    for detail in error.get("details") or []:
        if detail.get("errorCode"):
            return detail["errorCode"]
    return error.get("status", "")
