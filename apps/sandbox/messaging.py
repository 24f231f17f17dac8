"""Simulators of the messaging providers, speaking their wire formats:
- MSG91 Flow API (SMS): POST /sandbox/msg91/api/v5/flow with the `authkey` header and
  {"template_id", "recipients": [{"mobiles": "91XXXXXXXXXX", <variables>}]}, answering
  {"type": "success", "message": <request id>} or {"type": "error", "message": <reason>}.
- Firebase Cloud Messaging HTTP v1 (push): the service account's token endpoint (an RS256 JWT assertion,
  checked against the configured service account's key, exchanged for a bearer token) and
  POST /sandbox/fcm/v1/projects/<project>/messages:send, answering {"name": "projects/<p>/messages/<id>"} or
  Google's error body (UNAUTHENTICATED, INVALID_ARGUMENT, UNREGISTERED for tokens starting "unregistered-").
What they accepted is kept in the cache for tests and demos (sandbox_sent)."""

from __future__ import annotations

import base64
import json
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

SENT_KEY = "sandbox:messaging:{channel}"
FCM_TOKEN_KEY = "sandbox:fcm:token:{token}"


def sandbox_sent(channel: str) -> list[dict]:
    return list(cache.get(SENT_KEY.format(channel=channel)) or [])


def _keep(channel: str, item: dict) -> None:
    key = SENT_KEY.format(channel=channel)
    cache.set(key, [*(cache.get(key) or []), item][-500:], timeout=24 * 3600)


# --- MSG91 -----------------------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def msg91_flow(request: HttpRequest) -> JsonResponse:
    if request.headers.get("authkey") != settings.MSG91_AUTH_KEY:
        return JsonResponse({"type": "error", "message": "Authentication failure"}, status=401)
    try:
        data = json.loads(request.body)
        recipients = data["recipients"]
        template_id = data["template_id"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"type": "error", "message": "Invalid request body"}, status=400)
    if not template_id or not isinstance(recipients, list) or not recipients:
        return JsonResponse({"type": "error", "message": "template_id and recipients are required"}, status=400)
    for recipient in recipients:
        mobile = str(recipient.get("mobiles", ""))
        if not (mobile.isdigit() and len(mobile) == 12 and mobile.startswith("91")):
            return JsonResponse({"type": "error", "message": f"Invalid mobile number {mobile[-4:]}"}, status=400)
    request_id = secrets.token_hex(12)
    for recipient in recipients:
        _keep("sms", {"request_id": request_id, "template_id": template_id, **recipient})
    return JsonResponse({"type": "success", "message": request_id})


# --- FCM HTTP v1 -----------------------------------------------------------------------------------------


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _service_account() -> dict:
    raw = settings.FCM_SERVICE_ACCOUNT
    return json.loads(raw) if raw.lstrip().startswith("{") else json.loads(open(raw).read())  # noqa: SIM115, PTH123


def _assertion_valid(assertion: str, account: dict) -> bool:
    try:
        head, body, signature = assertion.split(".")
        public = serialization.load_pem_private_key(account["private_key"].encode(), password=None).public_key()
        public.verify(_b64decode(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        claims = json.loads(_b64decode(body))
    except (ValueError, InvalidSignature, KeyError):
        return False
    return (
        claims.get("iss") == account["client_email"]
        and claims.get("aud") == account["token_uri"]
        and "firebase.messaging" in claims.get("scope", "")
        and claims.get("exp", 0) > time.time()
    )


@csrf_exempt
@require_POST
def fcm_token(request: HttpRequest) -> JsonResponse:
    account = _service_account()
    if request.POST.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    if not _assertion_valid(request.POST.get("assertion", ""), account):
        return JsonResponse({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, status=400)
    token = f"ya29.sandbox-{secrets.token_urlsafe(24)}"
    cache.set(FCM_TOKEN_KEY.format(token=token), account["client_email"], timeout=3600)
    return JsonResponse({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})


def _fcm_error(code: int, status: str, message: str, error_code: str = "") -> JsonResponse:
    error = {"code": code, "message": message, "status": status}
    if error_code:
        error["details"] = [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}]
    return JsonResponse({"error": error}, status=code)


@csrf_exempt
@require_POST
def fcm_send(request: HttpRequest, project: str) -> JsonResponse:
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not bearer or not cache.get(FCM_TOKEN_KEY.format(token=bearer)):
        return _fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
    if project != _service_account()["project_id"]:
        return _fcm_error(403, "PERMISSION_DENIED", "Permission denied on the project.", "SENDER_ID_MISMATCH")
    try:
        message = json.loads(request.body)["message"]
        device = message["token"]
    except (ValueError, KeyError, TypeError):
        return _fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", "INVALID_ARGUMENT")
    if any(not isinstance(v, str) for v in (message.get("data") or {}).values()):
        return _fcm_error(400, "INVALID_ARGUMENT", "data values must be strings.", "INVALID_ARGUMENT")
    if device.startswith("unregistered-"):
        return _fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
    name = f"projects/{project}/messages/0:{int(time.time() * 1000)}{secrets.randbelow(10**6):06d}"
    _keep("push", {"name": name, **message})
    return JsonResponse({"name": name})
