"""MF Utilities behind the TransactionGateway interface: investor (CAN) registration, lumpsum purchase,
redemption and switch, cancellation, status, allotment and redemption statements, payment link and
status. SIPs and mandates go through BSE (the router's default); here they are refused as unsupported."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings

from apps.orders.gateways.base import with_retries
from apps.orders.gateways.codes import scheme_code_lookup
from apps.orders.gateways.identity import MfuIdentity
from apps.orders.gateways.interface import (
    AllotmentRecord,
    CallContext,
    CancelResult,
    ChildOrder,
    ClientRegistrationRequest,
    GatewayOutcomeUnknown,
    GatewayRejected,
    MandateRegistered,
    MandateRegisterRequest,
    MandateStatusRecord,
    Operation,
    OrderCancelRequest,
    OrderPlaced,
    OrderStatusRecord,
    PaymentLink,
    PaymentLinkRequest,
    PaymentStatus,
    PurchaseRequest,
    RedemptionRequest,
    RegistrationResult,
    StatusQuery,
    SwitchRequest,
    TransactionGateway,
    XsipCancelRequest,
    XsipRegistered,
    XsipRegisterRequest,
)
from apps.orders.gateways.mfu.client import MfuClient


def _dec(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class MfuGateway(TransactionGateway):
    name = "mfu"
    label = "MF Utilities"
    # no SIP or mandate registration through MF Utilities here
    operations = Operation.ALL - {Operation.SIP_REGISTER, Operation.SIP_CANCEL, Operation.MANDATE_REGISTER}
    # MFU takes the RTA / BSE code when it has no own mapping
    scheme_code_sources = ("mfu", "bse")
    # MFU has no member id of BSE's kind: its attempt references carry zeros in that place
    reference_member_id = "00000"

    def __init__(self, *, identity: MfuIdentity, config: dict | None = None):
        conf = config or settings.ORDER_GATEWAYS["mfu"]
        self.arn = identity.arn
        self.client = MfuClient(
            base_url=conf["BASE_URL"], entity_id=identity.entity_id, username=identity.username,
            password=identity.password, aes_key=conf["AES_KEY"], version=conf["VERSION"],
            timeout=float(conf["TIMEOUT"]),
        )  # fmt: skip

    def login_check(self) -> None:
        """Asks MFU for a fresh token with this identity (the settings page's "test connection")."""
        self.client.login_check()

    def client_code_for(self, *, investor_public_id: uuid.UUID) -> str:
        """Our reference for the investor's CAN request; the same shape as BSE's UCC, so that an investor
        is known by one code at both exchanges."""
        return "C" + investor_public_id.hex[:9].upper()

    def scheme_code(self, *, scheme) -> str:
        return scheme_code_lookup(scheme=scheme, sources=self.scheme_code_sources)

    def register_client(self, request: ClientRegistrationRequest, *, call: CallContext) -> RegistrationResult:
        body = {
            "can": request.client_code, "name": request.full_name, "pan": request.pan,
            "dob": request.date_of_birth.isoformat() if request.date_of_birth else "", "taxStatus": request.tax_status,
            "email": request.email, "mobile": request.mobile, "bankAccount": request.bank_account_number,
            "ifsc": request.bank_ifsc,
        }  # fmt: skip
        data = self.client.call("registerInvestor", body, unique_id=f"REG{request.client_code}", call=call,
                                side_effect=False)  # fmt: skip
        return RegistrationResult(client_code=data.get("can") or request.client_code, message="registered")

    def register_fatca(self, request: ClientRegistrationRequest, *, call: CallContext) -> RegistrationResult:
        # MFU captures FATCA with the CAN
        return RegistrationResult(client_code=request.client_code, message="captured with the CAN")

    def _place(self, api_type: str, body: dict, ctx, *, call: CallContext) -> OrderPlaced:
        data = self.client.call(
            api_type, {**body, "can": ctx.client_code, "reference": ctx.reference, "arn": self.arn, "euin": ctx.euin},
            unique_id=ctx.attempt_ref, call=call, side_effect=True,
        )  # fmt: skip
        if not data.get("orderId"):
            raise GatewayOutcomeUnknown("MFU accepted without an order id.", code="unreadable_reply")
        return OrderPlaced(exchange_order_id=str(data["orderId"]), attempt_ref=ctx.attempt_ref,
                           message=str(data.get("message") or ""))  # fmt: skip

    def purchase(self, request: PurchaseRequest, *, call: CallContext) -> OrderPlaced:
        body = {"schemeCode": request.scheme_code, "amount": _money(request.amount), "folio": request.folio_number}
        return self._place("placePurchase", body, request.ctx, call=call)

    def redeem(self, request: RedemptionRequest, *, call: CallContext) -> OrderPlaced:
        body = {
            "schemeCode": request.scheme_code, "folio": request.folio_number, "amount": _money(request.amount),
            "units": None if request.units is None else f"{request.units:.4f}", "allUnits": request.all_units,
        }  # fmt: skip
        return self._place("placeRedemption", body, request.ctx, call=call)

    def switch(self, request: SwitchRequest, *, call: CallContext) -> OrderPlaced:
        body = {
            "schemeCode": request.from_scheme_code, "toSchemeCode": request.to_scheme_code,
            "folio": request.folio_number, "amount": _money(request.amount),
            "units": None if request.units is None else f"{request.units:.4f}", "allUnits": request.all_units,
        }  # fmt: skip
        return self._place("placeSwitch", body, request.ctx, call=call)

    def cancel_order(self, request: OrderCancelRequest, *, call: CallContext) -> CancelResult:
        data = self.client.call(
            "cancelOrder", {"orderId": request.exchange_order_id, "can": request.ctx.client_code},
            unique_id=request.ctx.attempt_ref, call=call, side_effect=True,
        )  # fmt: skip
        return CancelResult(message=str(data.get("message") or "cancelled"))

    def _query(self, api_type: str, query: StatusQuery, *, call: CallContext) -> list[dict]:
        body = {"can": query.client_code, "fromDate": query.from_date.isoformat(), "toDate": query.to_date.isoformat(),
                "orderId": query.exchange_order_id}  # fmt: skip
        unique = f"Q{api_type[:6]}{query.client_code}{date.today():%Y%m%d}"
        data = with_retries(lambda: self.client.call(api_type, body, unique_id=unique, call=call, side_effect=False))
        return list(data.get("records") or [])

    def order_status(self, query: StatusQuery, *, call: CallContext) -> list[OrderStatusRecord]:
        return [
            OrderStatusRecord(
                exchange_order_id=str(row.get("orderId") or ""),
                reference=str(row.get("reference") or ""),
                client_code=str(row.get("can") or ""),
                scheme_code=str(row.get("schemeCode") or ""),
                status={"ACCEPTED": "VALID", "REJECTED": "INVALID"}.get(str(row.get("status")), str(row.get("status"))),
                remarks=str(row.get("remarks") or ""),
            )  # fmt: skip
            for row in self._query("orderStatus", query, call=call)
        ]

    def _statement(self, api_type: str, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]:
        return [
            AllotmentRecord(
                exchange_order_id=str(row.get("orderId") or ""),
                reference=str(row.get("reference") or ""),
                client_code=str(row.get("can") or ""),
                scheme_code=str(row.get("schemeCode") or ""),
                folio_number=str(row.get("folio") or ""),
                units=_dec(row.get("units")),
                nav=_dec(row.get("nav")),
                amount=_dec(row.get("amount")),
                nav_date=date.fromisoformat(row["navDate"]),
                rta_trans_no=str(row.get("rtaTransNo") or ""),
                kind=str(row.get("kind") or "purchase"),
            )  # fmt: skip
            for row in self._query(api_type, query, call=call)
        ]

    def allotment_statement(self, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]:
        return self._statement("allotmentStatement", query, call=call)

    def redemption_statement(self, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]:
        return self._statement("redemptionStatement", query, call=call)

    def payment_link(self, request: PaymentLinkRequest, *, call: CallContext) -> PaymentLink:
        data = self.client.call(
            "paymentLink",
            {"can": request.client_code, "orderIds": list(request.exchange_order_ids),
             "amount": _money(request.amount), "returnUrl": request.return_url},
            unique_id=f"PAY{'-'.join(request.exchange_order_ids)}"[:40], call=call, side_effect=False,
        )  # fmt: skip
        return PaymentLink(url=str(data.get("url") or ""))

    def payment_status(self, *, client_code: str, exchange_order_id: str, call: CallContext) -> PaymentStatus:
        data = with_retries(
            lambda: self.client.call(
                "paymentStatus", {"can": client_code, "orderId": exchange_order_id},
                unique_id=f"PST{exchange_order_id}", call=call, side_effect=False,
            )
        )  # fmt: skip
        state = {"PAID": "approved", "PENDING": "not_initiated", "REJECTED": "rejected"}.get(
            str(data.get("status")), "awaiting"
        )
        return PaymentStatus(exchange_order_id=exchange_order_id, state=state, message=str(data.get("status") or ""))

    def _unsupported(self, what: str):
        raise GatewayRejected(f"{what} is not offered through MF Utilities here.", code="unsupported_operation")

    def xsip_register(self, request: XsipRegisterRequest, *, call: CallContext) -> XsipRegistered:
        self._unsupported("SIP registration")

    def xsip_cancel(self, request: XsipCancelRequest, *, call: CallContext) -> CancelResult:
        self._unsupported("SIP cancellation")

    def xsip_child_orders(self, *, client_code: str, reg_id: str, call: CallContext) -> list[ChildOrder]:
        self._unsupported("SIP instalments")

    def mandate_register(self, request: MandateRegisterRequest, *, call: CallContext) -> MandateRegistered:
        self._unsupported("Mandate registration")

    def mandate_status(self, *, client_code: str, mandate_id: str, call: CallContext) -> MandateStatusRecord:
        self._unsupported("Mandate status")
