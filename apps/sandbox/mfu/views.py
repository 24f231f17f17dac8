"""MF Utilities simulator: token call, then JSON calls with reqHeader and an AES-encrypted reqBody, answered
with respHeader.respFlag S|F (the layout the adapter in apps/orders/gateways/mfu speaks)."""

import base64
import json
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from apps.orders.gateways.mfu.client import decrypt, encrypt
from apps.sandbox import market
from apps.sandbox.faults import fault_take, sleep_ms
from apps.sandbox.models import Fault, MfuCan, MfuOrder, MfuToken


def _key() -> bytes:
    return base64.b64decode(settings.ORDER_GATEWAYS["mfu"]["AES_KEY"])


def _dec(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _fail(code: str, message: str, unique_id: str = "", status: int = 200) -> JsonResponse:
    header = {"respFlag": "F", "errorCode": code, "errorMsg": message, "uniqueId": unique_id}
    return JsonResponse({"respHeader": header, "respBody": ""}, status=status)


def _ok(body: dict, unique_id: str) -> JsonResponse:
    header = {"respFlag": "S", "errorCode": "", "errorMsg": "", "uniqueId": unique_id}
    return JsonResponse({"respHeader": header, "respBody": encrypt(_key(), body)})


@csrf_exempt
def access_token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        data = json.loads(request.body)
    except ValueError:
        return _fail("INVALID_REQUEST", "Body is not JSON.", status=400)
    if data.get("password") != settings.SANDBOX_MFU_PASSWORD or not data.get("entityId"):
        return _fail("AUTH_FAILED", "Invalid credentials.", status=401)
    token = MfuToken.objects.create(
        entity_id=data["entityId"], token=secrets.token_urlsafe(32), expires_at=timezone.now() + timedelta(hours=1)
    )
    return JsonResponse({"access_token": token.token, "token_type": "Bearer", "expires_in": 3600})


def _advance(entity_id: str) -> None:
    now = timezone.now()
    delay = timedelta(seconds=settings.SANDBOX_ALLOTMENT_DELAY_SECONDS)
    if settings.SANDBOX_AUTO_PAY_SECONDS >= 0:
        MfuOrder.objects.filter(
            entity_id=entity_id, kind="purchase", paid_at__isnull=True, status="ACCEPTED",
            created_at__lte=now - timedelta(seconds=settings.SANDBOX_AUTO_PAY_SECONDS),
        ).update(paid_at=now)  # fmt: skip
    for order in MfuOrder.objects.filter(entity_id=entity_id, status="ACCEPTED", allotted_at__isnull=True):
        moment = order.paid_at if order.kind == "purchase" else order.created_at
        if moment is None or moment > now - delay:
            continue
        scheme = market.scheme_for(source="mfu", code=order.scheme_code) or market.scheme_for(
            source="bse", code=order.scheme_code
        )
        if scheme is None:
            continue
        kind = "purchase" if order.kind == "purchase" else "redemption"
        nav, nav_date = market.nav_for(scheme=scheme, on=market.nav_date_for(moment, scheme=scheme, kind=kind))
        if kind == "purchase":
            units, amount = market.purchase_units(amount=order.amount, nav=nav), order.amount
        else:
            units = order.units or (market.units_for_amount(amount=order.amount, nav=nav) if order.amount else None)
            if not units:
                order.status = "REJECTED"
                order.save(update_fields=["status"])
                continue
            amount = market.redemption_amount(units=units, nav=nav)
        order.nav, order.nav_date, order.allotted_units, order.allotted_amount = nav, nav_date, units, amount
        order.folio_number = order.folio_number or f"MFU{secrets.randbelow(10**8):08d}"
        order.allotted_at = now
        order.save()


def _record(order: MfuOrder) -> dict:
    return {
        "orderId": order.order_id, "reference": order.reference, "can": order.can, "schemeCode": order.scheme_code,
        "status": order.status, "folio": order.folio_number, "units": str(order.allotted_units or ""),
        "nav": str(order.nav or ""), "amount": str(order.allotted_amount or order.amount or ""),
        "navDate": order.nav_date.isoformat() if order.nav_date else "",
        "rtaTransNo": f"M{order.pk:09d}", "kind": order.kind,
    }  # fmt: skip


@csrf_exempt
def api(request: HttpRequest, operation: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    raw = request.body.decode("utf-8", "replace")
    token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
    try:
        envelope = json.loads(raw)
        header = envelope["reqHeader"]
        unique_id = str(header["uniqueId"])
        entity_id = str(header["entityId"])
    except (ValueError, KeyError, TypeError):
        return _fail("INVALID_REQUEST", "Malformed request.", status=400)
    if not MfuToken.objects.filter(token=token, entity_id=entity_id, expires_at__gt=timezone.now()).exists():
        return _fail("INVALID_TOKEN", "Access token invalid or expired.", unique_id)
    try:
        body = decrypt(_key(), envelope.get("reqBody") or "")
    except Exception:  # noqa: BLE001 - any decryption failure is the caller's
        return _fail("INVALID_REQUEST", "reqBody could not be decrypted.", unique_id)

    fault = fault_take(target="mfu", operation=operation, raw=raw + json.dumps(body))
    kind = fault.kind if fault else ""
    if kind in (Fault.Kind.LATENCY, Fault.Kind.TIMEOUT_BEFORE):
        sleep_ms(fault.delay_ms)
        if kind == Fault.Kind.TIMEOUT_BEFORE:
            return HttpResponse("Gateway Time-out", status=504)
    if kind in (Fault.Kind.HTTP_500, Fault.Kind.SOAP_FAULT):
        return HttpResponse("Internal Server Error", status=500)
    if kind == Fault.Kind.ERROR_REPLY:
        return _fail("SERVICE_UNAVAILABLE", fault.message or "Service temporarily unavailable.", unique_id)

    response = _handle(operation, body, entity_id=entity_id, unique_id=unique_id)
    if kind == Fault.Kind.TIMEOUT_AFTER:
        sleep_ms(fault.delay_ms)
    if kind == Fault.Kind.REPLY_LOST:
        return HttpResponse(response.content[: len(response.content) // 3], content_type="application/json")
    return response


def _handle(operation: str, body: dict, *, entity_id: str, unique_id: str) -> JsonResponse:
    if operation == "registerInvestor":
        MfuCan.objects.update_or_create(
            entity_id=entity_id,
            can=body.get("can", ""),
            defaults={"pan": body.get("pan", ""), "name": body.get("name", "")},
        )
        return _ok({"can": body.get("can", "")}, unique_id)
    if operation in ("placePurchase", "placeRedemption", "placeSwitch"):
        if not MfuCan.objects.filter(entity_id=entity_id, can=body.get("can", "")).exists():
            return _fail("INVALID_CAN", "CAN not registered.", unique_id)
        scheme_code = body.get("schemeCode", "")
        if not (market.scheme_for(source="mfu", code=scheme_code) or market.scheme_for(source="bse", code=scheme_code)):
            return _fail("INVALID_SCHEME", "Scheme not available.", unique_id)
        kind = {"placePurchase": "purchase", "placeRedemption": "redemption", "placeSwitch": "switch"}[operation]
        try:
            with transaction.atomic():
                order = MfuOrder.objects.create(
                    entity_id=entity_id, unique_id=unique_id, reference=body.get("reference", ""),
                    can=body["can"], kind=kind, scheme_code=scheme_code, to_scheme_code=body.get("toSchemeCode") or "",
                    amount=_dec(body.get("amount")), units=_dec(body.get("units")),
                    all_units=bool(body.get("allUnits")), folio_number=body.get("folio") or "",
                )  # fmt: skip
                order.order_id = f"MFU{order.pk:09d}"
                order.save(update_fields=["order_id"])
        except IntegrityError:
            return _fail("DUPLICATE_REQUEST", "uniqueId already used.", unique_id)
        return _ok({"orderId": order.order_id, "message": "Order accepted"}, unique_id)
    if operation == "cancelOrder":
        with transaction.atomic():
            order = (
                MfuOrder.objects.select_for_update().filter(entity_id=entity_id, order_id=body.get("orderId")).first()
            )
            if order is None:
                return _fail("ORDER_NOT_FOUND", "No such order.", unique_id)
            if order.paid_at or order.allotted_at or order.status != "ACCEPTED":
                return _fail("CANCEL_NOT_ALLOWED", "The order can no longer be cancelled.", unique_id)
            order.status = "CANCELLED"
            order.save(update_fields=["status"])
        return _ok({"message": "cancelled"}, unique_id)
    _advance(entity_id)
    if operation == "orderStatus":
        qs = MfuOrder.objects.filter(entity_id=entity_id, can=body.get("can", ""))
        if body.get("orderId"):
            qs = qs.filter(order_id=body["orderId"])
        else:
            start = date.fromisoformat(body.get("fromDate") or timezone.localdate().isoformat())
            end = date.fromisoformat(body.get("toDate") or timezone.localdate().isoformat())
            qs = qs.filter(created_at__date__gte=start, created_at__date__lte=end)
        return _ok({"records": [_record(o) for o in qs[:1000]]}, unique_id)
    if operation in ("allotmentStatement", "redemptionStatement"):
        kinds = ["purchase"] if operation == "allotmentStatement" else ["redemption", "switch"]
        qs = MfuOrder.objects.filter(
            entity_id=entity_id, can=body.get("can", ""), kind__in=kinds, allotted_at__isnull=False
        )
        return _ok({"records": [_record(o) for o in qs[:1000]]}, unique_id)
    if operation == "paymentLink":
        return _ok({"url": f"https://mfu.sandbox.invalid/pay/{secrets.token_urlsafe(8)}"}, unique_id)
    if operation == "paymentStatus":
        order = MfuOrder.objects.filter(entity_id=entity_id, order_id=body.get("orderId")).first()
        if order is None:
            return _fail("ORDER_NOT_FOUND", "No such order.", unique_id)
        return _ok({"status": "PAID" if order.paid_at else "PENDING"}, unique_id)
    return _fail("INVALID_REQUEST", f"Unknown apiType {operation}.", unique_id)
