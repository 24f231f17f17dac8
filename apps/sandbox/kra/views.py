"""A KRA PAN-inquiry simulator speaking the same SOAP 1.2 PANValidation exchange as the real service
(see apps/accounts/kyc/kra/consts.py), with outcomes chosen by PAN (behaviour.py)."""

import json
import re
import time
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.sandbox.kra import behaviour

SERVICE_NS = "https://www.cvlkra.com/"
PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
STATUS_RE = re.compile(r"^[0-9]{2}$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else tag


def _find_local(element, name: str):
    for node in element.iter():
        if _local(node.tag) == name:
            return node
    return None


def _envelope(inner: str) -> HttpResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<soap12:Body><PANValidationResponse xmlns="{SERVICE_NS}"><PANValidationResult>{inner}'
        "</PANValidationResult></PANValidationResponse></soap12:Body></soap12:Envelope>"
    )
    return HttpResponse(body, content_type="application/soap+xml; charset=utf-8")


def _error(code: str, message: str) -> HttpResponse:
    return _envelope(
        f"<APP_REQ_ROOT><ERROR><ERROR_CODE>{code}</ERROR_CODE><ERROR_MSG>{message}</ERROR_MSG></ERROR></APP_REQ_ROOT>"
    )


@csrf_exempt
@require_POST
def pan_validation(request):
    try:
        envelope = ElementTree.fromstring(request.body)  # noqa: S314 (sandbox; our own client)
        input_xml = _find_local(envelope, "inputXML")
        username = (_find_local(envelope, "userName").text or "").strip()
        inner = ElementTree.fromstring((input_xml.text or "").strip())  # noqa: S314
    except (ElementTree.ParseError, AttributeError):
        return HttpResponse("Bad SOAP request", status=400, content_type="text/plain")
    if not username:
        return _error("WEBERR-001", "Invalid User ID / PosCode / Password / Access Privilege Not SET")
    records = []
    for inquiry in inner.iter("APP_PAN_INQ"):
        pan = (inquiry.findtext("APP_PAN_NO") or "").strip().upper()
        if not PAN_RE.match(pan):
            return _error("WEBERR-005", "Invalid PAN No Format")
        fault = behaviour.fault_for(pan)
        if fault == "http_500":
            return HttpResponse("Internal Server Error", status=500, content_type="text/plain")
        if fault == "timeout":
            time.sleep(settings.SANDBOX_KRA_SLOW_SECONDS)
        records.append(behaviour.record_for(pan, requested_dob=(inquiry.findtext("APP_PAN_DOB") or "").strip()))
    if not records:
        return _error("WEBERR-003", "No PAN in request")
    now = timezone.localtime()
    rows = "".join(
        "<APP_PAN_INQ>"
        f"<APP_PAN_NO>{r.pan}</APP_PAN_NO><APP_NAME>{escape(r.name)}</APP_NAME><APP_DOB_DT>{escape(r.dob)}</APP_DOB_DT>"
        "<APP_IOP_FLG>I</APP_IOP_FLG>"
        f"<APP_STATUS>{r.status}</APP_STATUS><APP_STATUSDT>{now:%d-%m-%Y %H:%M:%S}</APP_STATUSDT>"
        f"<APP_POS_CODE>SANDBOX</APP_POS_CODE><APP_UPDT_STATUS>{r.status}</APP_UPDT_STATUS>"
        f"<APP_HOLD_DEACTIVE_RMKS>{escape(r.remarks)}</APP_HOLD_DEACTIVE_RMKS><APP_UPDT_RMKS />"
        "<APP_KYC_MODE>0</APP_KYC_MODE><APP_IPV_FLAG>Y</APP_IPV_FLAG></APP_PAN_INQ>"
        for r in records
    )
    summary = (
        "<APP_PAN_SUMM><APP_OTHKRA_CODE>SANDBOX</APP_OTHKRA_CODE>"
        f"<APP_OTHKRA_BATCH>{now:%Y%m%d}</APP_OTHKRA_BATCH><APP_REQ_DATE>{now:%d/%m/%Y}</APP_REQ_DATE>"
        f"<APP_RESPONSE_DATE>{now:%d-%m-%Y %H:%M:%S}</APP_RESPONSE_DATE><APP_TOTAL_REC>{len(records)}</APP_TOTAL_REC>"
        "</APP_PAN_SUMM>"
    )
    return _envelope(f"<APP_RES_ROOT>{rows}{summary}</APP_RES_ROOT>")


@csrf_exempt
@require_POST
def pan_override(request, pan: str):
    """Sets what the simulator answers for one PAN: {"status": "02", "remarks": "", "name": "ASHA RAO",
    "dob": "15-06-1990"} (name and dob optional)."""
    pan = pan.upper()
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "body must be JSON"}, status=400)
    status = str(payload.get("status", ""))
    if not PAN_RE.match(pan) or not STATUS_RE.match(status):
        return JsonResponse({"error": "give a valid PAN and a two-digit status"}, status=400)
    behaviour.override_set(
        pan=pan,
        status=status,
        remarks=str(payload.get("remarks", ""))[:200],
        name=str(payload.get("name", ""))[:120],
        dob=str(payload.get("dob", ""))[:10],
    )
    return JsonResponse({"pan": pan, "status": status})
