"""HTTP face of the BSE StAR MF simulator: SOAP 1.2 endpoints for MFOrder and StarMFWebService (with the
WSDLs we wrote, addressed to this host), and the page an investor "pays" on."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from apps.orders.gateways.bse_starmf import consts
from apps.sandbox.bse import engine, scheme_master
from apps.sandbox.bse.soap import SoapError, SoapRequest, contract_reply, fault_reply, parse_request, string_reply
from apps.sandbox.faults import fault_take, sleep_ms
from apps.sandbox.models import Fault

SOAP_CT = "application/soap+xml; charset=utf-8"
ORDER_OPS = {"getPassword", "orderEntryParam", "switchOrderEntryParam", "xsipOrderEntryParam"}
SERVICE_OPS = {
    "getPassword", "MFAPI", "OrderStatus", "AllotmentStatement", "RedemptionStatement", "MandateDetails",
    "ChildOrderDetails",
}  # fmt: skip


class SimulatedReplyLost(Exception):
    """Raised while the reply is being written: the server drops the connection mid-answer."""


def _soap(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=SOAP_CT)


def _fault(code: str, reason: str, status: int = 500) -> HttpResponse:
    return _soap(fault_reply(code=code, reason=reason), status=status)


def _wsdl(request: HttpRequest, path, *, address_path: str) -> HttpResponse:
    text = path.read_text(encoding="utf-8")
    address = request.build_absolute_uri(address_path)
    text = re.sub(r'location="http://localhost:8000/sandbox/[^"]+"', f'location="{address}"', text)
    text = re.sub(r"<wsa10:Address>[^<]+</wsa10:Address>", f"<wsa10:Address>{address}</wsa10:Address>", text)
    text = text.replace('location="StarMFWebService_wsdl0.wsdl"', f'location="{request.path}?wsdl=wsdl0"')
    return HttpResponse(text, content_type="text/xml; charset=utf-8")


def _error_result(req: SoapRequest, message: str) -> str:
    fields = req.fields()
    if req.operation in ("orderEntryParam", "switchOrderEntryParam"):
        user = fields.get("UserID") or fields.get("UserId", "")
        return "|".join(
            [fields.get("TransCode", ""), fields.get("TransNo", ""), "", user, fields.get("MemberId", ""),
             fields.get("ClientCode", ""), message, "1"]
        )  # fmt: skip
    if req.operation == "xsipOrderEntryParam":
        return "|".join(
            [fields.get("TransactionCode", ""), fields.get("UniqueRefNo", ""), fields.get("MemberCode", ""),
             fields.get("ClientCode", ""), fields.get("UserId", ""), "", message, "1"]
        )  # fmt: skip
    return f"101|{message}"


def _serve(request: HttpRequest, *, ops: set[str], namespace: str, action: str, handle) -> HttpResponse:
    try:
        req = parse_request(request.body, request.headers.get("Content-Type", ""))
    except SoapError as exc:
        return _fault(exc.code, exc.reason, exc.status)
    if req.operation not in ops or req.namespace != namespace:
        return _fault("a:ActionNotSupported", f"The operation {req.operation} is not supported.")
    expected = action.format(op=req.operation)
    if req.action != expected:
        return _fault("a:ActionNotSupported", f"The message with Action '{req.action}' cannot be processed.")

    fault = fault_take(target="bse", operation=req.operation, raw=req.raw)
    kind = fault.kind if fault else ""
    if kind in (Fault.Kind.LATENCY, Fault.Kind.TIMEOUT_BEFORE):
        sleep_ms(fault.delay_ms)
        if kind == Fault.Kind.TIMEOUT_BEFORE:  # the caller has given up; nothing was recorded
            return HttpResponse("Gateway Time-out", status=504, content_type="text/plain")
    if kind == Fault.Kind.HTTP_500:
        return HttpResponse("<html><body><h1>Server Error</h1></body></html>", status=500, content_type="text/html")
    if kind == Fault.Kind.SOAP_FAULT:
        return _fault("s:Receiver", fault.message or "The server was unable to process the request.")
    if kind == Fault.Kind.ERROR_REPLY:
        message = fault.message or "ACCESS TEMPORARILY SUSPENDED. KINDLY BEAR WITH US"
        return _soap(string_reply(action=expected, namespace=namespace, operation=req.operation,
                                  result=_error_result(req, message)))  # fmt: skip

    body = handle(req, expected)  # the exchange records the request here

    if kind == Fault.Kind.TIMEOUT_AFTER:
        sleep_ms(fault.delay_ms)
    if kind == Fault.Kind.REPLY_LOST:

        def broken():
            yield body[: len(body) // 3]
            raise SimulatedReplyLost("reply lost on purpose")

        return StreamingHttpResponse(broken(), content_type=SOAP_CT)
    return _soap(body)


@csrf_exempt
def mf_order(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _wsdl(request, consts.ORDER_WSDL_FILE, address_path=request.path)
    if request.method != "POST":
        return HttpResponse(status=405)

    def handle(req: SoapRequest, action: str) -> bytes:
        fields = req.fields()
        if req.operation == "getPassword":
            ok, value = engine.login(
                user_id=fields.get("UserId", ""), password=fields.get("Password", ""),
                passkey=fields.get("PassKey", ""), service="order",
            )  # fmt: skip
            result = f"{100 if ok else 101}|{value}"
        elif req.operation == "xsipOrderEntryParam":
            result = engine.xsip_entry(fields)
        else:
            result = engine.order_entry(fields, switch=req.operation == "switchOrderEntryParam")
        return string_reply(action=action, namespace=consts.ORDER_NS, operation=req.operation, result=result)

    return _serve(request, ops=ORDER_OPS, namespace=consts.ORDER_NS, action=consts.ORDER_ACTION, handle=handle)


@csrf_exempt
def star_mf_web_service(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        path = consts.WSDL_DIR / ("StarMFWebService_wsdl0.wsdl" if request.GET.get("wsdl") else "StarMFWebService.wsdl")
        return _wsdl(request, path, address_path=request.path)
    if request.method != "POST":
        return HttpResponse(status=405)
    base_url = request.build_absolute_uri("/").rstrip("/")

    def handle(req: SoapRequest, action: str) -> bytes:
        param = req.param()
        op = req.operation
        ns, dc = consts.SERVICES_NS, consts.DATACONTRACT_NS
        if op == "getPassword":
            ok, value = engine.login(
                user_id=param.get("UserId", ""), password=param.get("Password", ""),
                passkey=param.get("PassKey", ""), service="services",
            )  # fmt: skip
            fields = [("ResponseString", value), ("Status", "100" if ok else "101")]
            return contract_reply(action=action, namespace=ns, operation=op, contract_ns=dc, fields=fields)
        if op == "MFAPI":
            result = engine.mfapi(
                flag=param.get("Flag", ""), user_id=param.get("UserId", ""),
                encrypted=param.get("EncryptedPassword", ""), param=param.get("param", ""), base_url=base_url,
            )  # fmt: skip
            return string_reply(action=action, namespace=ns, operation=op, result=result)
        password = param.get("Password") or param.get("EncryptedPassword", "")
        if not engine.session_valid(encrypted=password, service="services"):
            message_field = "Message" if op in ("OrderStatus", "ChildOrderDetails") else "Remarks"
            array = {"OrderStatus": "OrderDetails", "AllotmentStatement": "AllotmentDetails",
                     "RedemptionStatement": "RedemptionDetails", "MandateDetails": "MandateDetails",
                     "ChildOrderDetails": "ChildOrderDetails"}[op]  # fmt: skip
            fields = sorted([(array, None), (message_field, "PASSWORD EXPIRED"), ("Status", "101")])
            return contract_reply(action=action, namespace=ns, operation=op, contract_ns=dc, fields=fields)
        if op == "OrderStatus":
            rows, array, message_field = engine.order_status_rows(param), "OrderDetails", "Message"
        elif op == "AllotmentStatement":
            rows, array, message_field = engine.allotment_rows(param, redemption=False), "AllotmentDetails", "Remarks"
        elif op == "RedemptionStatement":
            rows, array, message_field = engine.allotment_rows(param, redemption=True), "RedemptionDetails", "Remarks"
        elif op == "MandateDetails":
            rows, array, message_field = engine.mandate_rows(param), "MandateDetails", "Remarks"
        else:
            rows, array, message_field = engine.child_order_rows(param), "ChildOrderDetails", "Message"
        message = f"{len(rows)} RECORD(S) FOUND" if rows else "NO DATA FOUND"
        fields = sorted([(array, rows), (message_field, message), ("Status", "100")], key=lambda item: item[0])
        return contract_reply(action=action, namespace=ns, operation=op, contract_ns=dc, fields=fields)

    return _serve(request, ops=SERVICE_OPS, namespace=consts.SERVICES_NS, action=consts.SERVICES_ACTION, handle=handle)


@csrf_exempt
def payment_page(request: HttpRequest, token: str) -> HttpResponse:
    """The exchange's payment page: GET shows the orders and their total, POST pays (funds realised now)
    and, like BSE's, sends the investor back to the member's return URL."""
    orders = engine.payment_orders(token=token)
    if not orders:
        return HttpResponse("Unknown or expired payment link.", status=404, content_type="text/plain")
    back = request.GET.get("return", "")
    if request.method == "POST":
        engine.pay(token=token)
        if urlsplit(back).scheme in ("http", "https"):
            return HttpResponseRedirect(back)
        return HttpResponse(f"Paid {len(orders)} order(s). You can close this page.", content_type="text/plain")
    total = sum((order.amount or Decimal("0") for order in orders), Decimal("0"))
    paid = all(order.paid_at for order in orders)
    rows = "".join(
        f"<tr><td>{escape(o.order_number)}</td><td>{escape(o.scheme_code)}</td><td>{o.amount}</td></tr>" for o in orders
    )
    action = "" if paid else '<form method="post"><button type="submit">Pay Rs ' + f"{total}</button></form>"
    return HttpResponse(
        '<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>BSE StAR MF sandbox payment</title></head><body><h1>Sandbox payment gateway</h1>"
        f"<p>{len(orders)} order(s), total Rs {total}.</p><table><thead><tr><th>Order</th><th>Scheme</th>"
        f"<th>Amount</th></tr></thead><tbody>{rows}</tbody></table>"
        f"{'<p>Paid.</p>' if paid else ''}{action}</body></html>",
        content_type="text/html",
    )


@require_GET
def scheme_master_file(request: HttpRequest) -> StreamingHttpResponse:
    """BSE's scheme master for every scheme in our AMFI master, as it stands now (see scheme_master)."""
    response = StreamingHttpResponse(
        (line.encode() for line in scheme_master.scheme_master_lines()), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="SchemeMaster.txt"'
    return response
