"""BSE StAR MF behind the TransactionGateway interface."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings

from apps.orders.gateways.base import with_retries
from apps.orders.gateways.bse_starmf import consts
from apps.orders.gateways.bse_starmf.client import BseCredentials, BseStarMfClient
from apps.orders.gateways.bse_starmf.parsing import (
    amount_str,
    bse_date,
    parse_lumpsum_reply,
    parse_xsip_reply,
    payment_state,
    raise_for_remarks,
    to_date,
    to_decimal,
    units_str,
)
from apps.orders.gateways.codes import scheme_code_lookup
from apps.orders.gateways.identity import BseIdentity
from apps.orders.gateways.interface import (
    AllotmentRecord,
    CallContext,
    CancelResult,
    ChildOrder,
    ClientRegistrationRequest,
    GatewayOutcomeUnknown,
    MandateRegistered,
    MandateRegisterRequest,
    MandateStatusRecord,
    OrderCancelRequest,
    OrderContext,
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


def _rows(result: dict | None, array: str) -> list[dict]:
    container = (result or {}).get(array) or {}
    rows = container.get(array) if isinstance(container, dict) else container
    return [row for row in (rows or []) if row]


class BseStarMfGateway(TransactionGateway):
    name = "bse_starmf"
    label = "BSE StAR MF"
    sip_frequencies = consts.XSIP_FREQUENCIES
    sip_days = consts.XSIP_DAYS
    scheme_code_sources = consts.SCHEME_CODE_SOURCES

    def __init__(self, *, identity: BseIdentity, config: dict | None = None):
        conf = config or settings.ORDER_GATEWAYS["bse_starmf"]
        self.member_id = identity.member_id
        self.user_id = identity.user_id
        self.arn = identity.arn
        self.client = BseStarMfClient(
            credentials=BseCredentials(member_id=self.member_id, user_id=self.user_id, password=identity.password),
            order_wsdl=conf["ORDER_WSDL"],
            order_url=conf["ORDER_URL"],
            services_wsdl=conf["SERVICES_WSDL"],
            services_url=conf["SERVICES_URL"],
            timeout=float(conf["TIMEOUT"]),
        )

    @property
    def reference_member_id(self) -> str:
        return self.member_id

    def client_code_for(self, *, investor_public_id: uuid.UUID) -> str:
        """At most 10 characters, as BSE's UCC allows."""
        return "C" + investor_public_id.hex[: consts.UCC_MAX_LENGTH - 1].upper()

    def scheme_code(self, *, scheme) -> str:
        return scheme_code_lookup(scheme=scheme, sources=self.scheme_code_sources)

    # --- helpers ------------------------------------------------------------------------------------

    def login_check(self) -> None:
        """Logs in afresh with this identity (the settings page's "test connection")."""
        self.client.login_check()

    def _order_params(self, ctx: OrderContext) -> dict[str, str]:
        return {
            "TransCode": "NEW",
            "TransNo": ctx.attempt_ref,
            "OrderId": "",
            "UserID": self.user_id,
            "MemberId": self.member_id,
            "ClientCode": ctx.client_code,
            "DPTxn": "P",
            "Remarks": "",
            "KYCStatus": "Y",
            "RefNo": ctx.reference,
            "SubBrCode": "",
            "EUIN": ctx.euin,
            "EUINVal": "N" if ctx.euin else "Y",
            "MinRedeem": "N",
            "DPC": "Y",
            "IPAdd": ctx.ip_address,
            "Parma1": "",
            # BSE knows the member code's ARN; the ARN travels in Param2 as well (UNVERIFIED: the public spec
            # lists Param2 only as an optional parameter)
            "Param2": self.arn,
            "Param3": "",
            "MobileNo": ctx.mobile,
            "EmailID": ctx.email,
            "MandateID": "",
            **{f"Filler{i}": "" for i in range(1, 7)},
        }

    def _placed(self, raw: str, ctx: OrderContext, *, operation: str) -> OrderPlaced:
        reply = parse_lumpsum_reply(raw, operation=operation)
        if not reply.ok:
            raise_for_remarks(reply.remarks, raw=raw)
        order_id = reply.fields["OrderId"]
        if not order_id:
            raise GatewayOutcomeUnknown("BSE confirmed without an order number.", code="unreadable_reply", raw=raw)
        return OrderPlaced(exchange_order_id=order_id, attempt_ref=ctx.attempt_ref, message=reply.remarks, raw=raw)

    # --- registration -------------------------------------------------------------------------------

    def register_client(self, request: ClientRegistrationRequest, *, call: CallContext) -> RegistrationResult:
        values = {
            "ClientCode": request.client_code, "Holding": "SI",
            "TaxStatus": consts.TAX_STATUS.get(request.tax_status, "01"), "Occupation": "01",
            "Name": request.full_name, "DOB": bse_date(request.date_of_birth) if request.date_of_birth else "",
            "Gender": "", "PAN": request.pan, "ClientType": "P", "AccType": request.bank_account_type,
            "AccNo": request.bank_account_number, "IFSC": request.bank_ifsc, "Email": request.email,
            "Mobile": request.mobile, "CommMode": "E",
        }  # fmt: skip
        param = "|".join(values[f] for f in consts.UCC_PARAM_FIELDS)
        message = self.client.mfapi(consts.FLAG_UCC, param, call=call)
        return RegistrationResult(client_code=request.client_code, message=message)

    def register_fatca(self, request: ClientRegistrationRequest, *, call: CallContext) -> RegistrationResult:
        values = {
            "PAN": request.pan, "ClientCode": request.client_code, "Name": request.full_name,
            "DOB": bse_date(request.date_of_birth) if request.date_of_birth else "",
            "TaxStatus": consts.TAX_STATUS.get(request.tax_status, "01"), "BirthCountry": "IN",
            "Citizenship": "IN", "TaxResidency": "IN",
        }  # fmt: skip
        param = "|".join(values[f] for f in consts.FATCA_PARAM_FIELDS)
        message = self.client.mfapi(consts.FLAG_FATCA, param, call=call)
        return RegistrationResult(client_code=request.client_code, message=message)

    # --- lumpsum orders -----------------------------------------------------------------------------

    def purchase(self, request: PurchaseRequest, *, call: CallContext) -> OrderPlaced:
        params = self._order_params(request.ctx) | {
            "SchemeCd": request.scheme_code,
            "BuySell": "P",
            "BuySellType": "ADDITIONAL" if request.additional else "FRESH",
            "OrderVal": amount_str(request.amount),
            "Qty": "",
            "AllRedeem": "N",
            "FolioNo": request.folio_number,
        }
        raw = self.client.order_call("orderEntryParam", params, call=call, side_effect=True)
        return self._placed(raw, request.ctx, operation="orderEntryParam")

    def redeem(self, request: RedemptionRequest, *, call: CallContext) -> OrderPlaced:
        params = self._order_params(request.ctx) | {
            "SchemeCd": request.scheme_code,
            "BuySell": "R",
            "BuySellType": "FRESH",
            "OrderVal": amount_str(request.amount),
            "Qty": units_str(request.units),
            "AllRedeem": "Y" if request.all_units else "N",
            "FolioNo": request.folio_number,
        }
        raw = self.client.order_call("orderEntryParam", params, call=call, side_effect=True)
        return self._placed(raw, request.ctx, operation="orderEntryParam")

    def switch(self, request: SwitchRequest, *, call: CallContext) -> OrderPlaced:
        base = self._order_params(request.ctx)
        params = {
            "TransCode": "NEW", "TransNo": request.ctx.attempt_ref, "OrderId": "", "UserId": self.user_id,
            "MemberId": self.member_id, "ClientCode": request.ctx.client_code,
            "FromSchemeCd": request.from_scheme_code, "ToSchemeCd": request.to_scheme_code, "BuySell": "SO",
            "BuySellType": "FRESH", "DPTxn": "P", "OrderVal": amount_str(request.amount),
            "SwitchUnits": units_str(request.units), "AllUnitsFlag": "Y" if request.all_units else "N",
            "FolioNo": request.folio_number, "Remarks": request.ctx.reference, "KYCStatus": "Y", "SubBrCode": "",
            "EUIN": base["EUIN"], "EUINVal": base["EUINVal"], "MinRedeem": "N", "IPAdd": base["IPAdd"],
            "Parma1": "", "Param2": self.arn, "Param3": "", **{f"Filler{i}": "" for i in range(1, 7)},
        }  # fmt: skip
        raw = self.client.order_call("switchOrderEntryParam", params, call=call, side_effect=True)
        return self._placed(raw, request.ctx, operation="switchOrderEntryParam")

    def cancel_order(self, request: OrderCancelRequest, *, call: CallContext) -> CancelResult:
        params = self._order_params(request.ctx) | {
            "TransCode": "CXL",
            "OrderId": request.exchange_order_id,
            "SchemeCd": request.scheme_code,
            "BuySell": "P" if request.kind == "purchase" else "R",
            "BuySellType": "FRESH",
            "OrderVal": amount_str(request.amount),
            "Qty": "",
            "AllRedeem": "N",
            "FolioNo": "",
        }
        raw = self.client.order_call("orderEntryParam", params, call=call, side_effect=True)
        reply = parse_lumpsum_reply(raw)
        if not reply.ok:
            raise_for_remarks(reply.remarks, raw=raw)
        return CancelResult(message=reply.remarks)

    # --- status and statements ----------------------------------------------------------------------

    def _statement_param(self, query: StatusQuery) -> dict[str, str]:
        return {
            "ClientCode": query.client_code, "Filler1": "", "Filler2": "", "Filler3": "",
            "FromDate": bse_date(query.from_date), "ToDate": bse_date(query.to_date), "MemberCode": self.member_id,
            "OrderStatus": "All", "OrderType": "All", "SettType": "All", "SubOrderType": "All",
            "UserId": self.user_id,
        }  # fmt: skip

    def order_status(self, query: StatusQuery, *, call: CallContext) -> list[OrderStatusRecord]:
        param = self._statement_param(query) | {"OrderNo": query.exchange_order_id, "TransType": "All"}
        result = with_retries(
            lambda: self.client.services_query("OrderStatus", param, call=call, password_field="Password")
        )
        return [
            OrderStatusRecord(
                exchange_order_id=str(row.get("OrderNumber") or ""),
                reference=str(row.get("InternalRefNo") or ""),
                client_code=str(row.get("ClientCode") or ""),
                scheme_code=str(row.get("SchemeCode") or ""),
                status=str(row.get("OrderStatus") or "").upper(),
                remarks=str(row.get("OrderRemarks") or ""),
                order_date=to_date(row.get("Date")),
                sip_reg_id=str(row.get("SIPRegnNo") or ""),
            )
            for row in _rows(result, "OrderDetails")
        ]

    def allotment_statement(self, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]:
        result = with_retries(
            lambda: self.client.services_query(
                "AllotmentStatement", self._statement_param(query), call=call, password_field="Password"
            )
        )
        records = []
        for row in _rows(result, "AllotmentDetails"):
            if str(row.get("ValidFlag") or "Y").upper() != "Y":
                continue
            order_type = str(row.get("OrderType") or "").upper()
            records.append(
                AllotmentRecord(
                    exchange_order_id=str(row.get("OrderNo") or ""),
                    reference=str(row.get("InternalRefNo") or ""),
                    client_code=str(row.get("ClientCode") or ""),
                    scheme_code=str(row.get("SchemeCode") or ""),
                    folio_number=str(row.get("FolioNo") or ""),
                    units=to_decimal(row.get("AllottedUnit")),
                    nav=to_decimal(row.get("AllottedNav")),
                    amount=to_decimal(row.get("AllottedAmt")),
                    nav_date=to_date(row.get("ReportDate")) or date.today(),
                    rta_trans_no=str(row.get("RTATransNo") or ""),
                    sip_reg_id=str(row.get("SIPRegnNo") or ""),
                    kind="switch_in" if order_type == "SWITCH" else "purchase",
                )
            )
        return records

    def redemption_statement(self, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]:
        result = with_retries(
            lambda: self.client.services_query(
                "RedemptionStatement", self._statement_param(query), call=call, password_field="Password"
            )
        )
        records = []
        for row in _rows(result, "RedemptionDetails"):
            if str(row.get("ValidFlag") or "Y").upper() != "Y":
                continue
            order_type = str(row.get("OrderType") or "").upper()
            records.append(
                AllotmentRecord(
                    exchange_order_id=str(row.get("OrderNo") or ""),
                    reference="",
                    client_code=str(row.get("ClientCode") or ""),
                    scheme_code=str(row.get("SchemeCode") or ""),
                    folio_number=str(row.get("FolioNo") or ""),
                    units=to_decimal(row.get("Unit")),
                    nav=to_decimal(row.get("Nav")),
                    amount=to_decimal(row.get("Amt")),
                    nav_date=to_date(row.get("ReportDate")) or date.today(),
                    rta_trans_no=str(row.get("RTATransNo") or ""),
                    kind="switch_out" if order_type == "SWITCH" else "redemption",
                )
            )
        return records

    # --- payments -----------------------------------------------------------------------------------

    def payment_link(self, request: PaymentLinkRequest, *, call: CallContext) -> PaymentLink:
        values = {
            "MemberCode": self.member_id, "ClientCode": request.client_code, "LogoutURL": request.return_url,
            "Mode": "DIRECT", "BankAccount": request.bank_account_number, "IFSC": request.bank_ifsc,
            "Orders": ",".join(request.exchange_order_ids), "Total": amount_str(request.amount),
        }  # fmt: skip
        param = "|".join(values[f] for f in consts.PAYMENT_LINK_PARAM_FIELDS)
        return PaymentLink(url=self.client.mfapi(consts.FLAG_PAYMENT_LINK, param, call=call))

    def payment_status(self, *, client_code: str, exchange_order_id: str, call: CallContext) -> PaymentStatus:
        param = "|".join([client_code, exchange_order_id, "BSEMF"])
        text = with_retries(lambda: self.client.mfapi(consts.FLAG_PAYMENT_STATUS, param, call=call))
        return PaymentStatus(exchange_order_id=exchange_order_id, state=payment_state(text), message=text)

    # --- SIPs and mandates --------------------------------------------------------------------------

    def _xsip_params(self, ctx: OrderContext) -> dict[str, str]:
        return {
            "UniqueRefNo": ctx.attempt_ref, "MemberCode": self.member_id, "ClientCode": ctx.client_code,
            "UserId": self.user_id, "InternalRefNo": ctx.reference, "TransMode": "P", "DpTxnMode": "P",
            "FrequencyAllowed": "1", "Remarks": "", "Brokerage": "", "SubberCode": "", "Euin": ctx.euin,
            "EuinVal": "N" if ctx.euin else "Y", "DPC": "Y", "IPAdd": ctx.ip_address, "Param1": "",
            "Param2": self.arn, "Param3": "", **{f"Filler{i}": "" for i in range(1, 7)},
        }  # fmt: skip

    def xsip_register(self, request: XsipRegisterRequest, *, call: CallContext) -> XsipRegistered:
        params = self._xsip_params(request.ctx) | {
            "TransactionCode": "NEW",
            "SchemeCode": request.scheme_code,
            "StartDate": bse_date(request.start_date),
            "FrequencyType": request.frequency,
            "InstallmentAmount": amount_str(request.amount),
            "NoOfInstallment": str(request.instalments),
            "FolioNo": request.folio_number,
            "FirstOrderFlag": "Y" if request.first_order_today else "N",
            "MandateID": request.mandate_id,
            "XsipRegID": "",
        }
        raw = self.client.order_call("xsipOrderEntryParam", params, call=call, side_effect=True)
        reply = parse_xsip_reply(raw)
        if not reply.ok:
            raise_for_remarks(reply.remarks, raw=raw)
        if not reply.fields["RegId"]:
            raise GatewayOutcomeUnknown("BSE confirmed the XSIP without an id.", code="unreadable_reply", raw=raw)
        return XsipRegistered(reg_id=reply.fields["RegId"], attempt_ref=request.ctx.attempt_ref, message=reply.remarks)

    def xsip_cancel(self, request: XsipCancelRequest, *, call: CallContext) -> CancelResult:
        params = self._xsip_params(request.ctx) | {
            "TransactionCode": "CXL", "SchemeCode": request.scheme_code, "StartDate": "", "FrequencyType": "",
            "InstallmentAmount": "", "NoOfInstallment": "", "FolioNo": "", "FirstOrderFlag": "N",
            "MandateID": "", "XsipRegID": request.reg_id,
        }  # fmt: skip
        raw = self.client.order_call("xsipOrderEntryParam", params, call=call, side_effect=True)
        reply = parse_xsip_reply(raw)
        if not reply.ok:
            raise_for_remarks(reply.remarks, raw=raw)
        return CancelResult(message=reply.remarks)

    def xsip_child_orders(self, *, client_code: str, reg_id: str, call: CallContext) -> list[ChildOrder]:
        param = {"ClientCode": client_code, "Date": bse_date(date.today()), "MemberCode": self.member_id,
                 "RegnNo": reg_id, "SystematicPlanType": "XSIP"}  # fmt: skip
        result = with_retries(
            lambda: self.client.services_query(
                "ChildOrderDetails", param, call=call, password_field="EncryptedPassword"
            )
        )
        return [
            ChildOrder(
                exchange_order_id=str(row.get("OrderNumber") or ""),
                reg_id=str(row.get("RegnNo") or reg_id),
                due_date=to_date(row.get("Date")) or date.today(),
                amount=to_decimal(row.get("Amount")),
            )
            for row in _rows(result, "ChildOrderDetails")
        ]

    def mandate_register(self, request: MandateRegisterRequest, *, call: CallContext) -> MandateRegistered:
        values = {
            "ClientCode": request.client_code, "Amount": amount_str(request.amount),
            "MandateType": request.mandate_type, "AccNo": request.bank_account_number,
            "AccType": request.bank_account_type, "IFSC": request.bank_ifsc, "MICR": "",
            "StartDate": bse_date(request.start_date), "EndDate": bse_date(request.end_date),
        }  # fmt: skip
        param = "|".join(values[f] for f in consts.MANDATE_PARAM_FIELDS)
        mandate_id = self.client.mfapi(consts.FLAG_MANDATE_REGISTER, param, call=call)
        return MandateRegistered(mandate_id=mandate_id.strip(), message="registered")

    def mandate_status(self, *, client_code: str, mandate_id: str, call: CallContext) -> MandateStatusRecord:
        today = date.today()
        param = {"ClientCode": client_code, "FromDate": bse_date(today.replace(year=today.year - 1)),
                 "ToDate": bse_date(today), "MandateId": mandate_id, "MemberCode": self.member_id}  # fmt: skip
        result = with_retries(
            lambda: self.client.services_query("MandateDetails", param, call=call, password_field="EncryptedPassword")
        )
        for row in _rows(result, "MandateDetails"):
            if str(row.get("MandateId")) == mandate_id:
                text = str(row.get("Status") or "").upper()
                state = (
                    "approved" if "APPROVED" in text else "rejected" if "REJECT" in text
                    else "cancelled" if "CANCEL" in text else "registered"
                )  # fmt: skip
                return MandateStatusRecord(mandate_id=mandate_id, state=state, message=text)
        return MandateStatusRecord(mandate_id=mandate_id, state="registered", message="not listed yet")


def decimal_or_none(value: str) -> Decimal | None:
    return to_decimal(value) if value else None
