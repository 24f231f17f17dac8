"""The contract every transaction gateway (BSE StAR MF, MF Utilities) fulfils. Services speak only these
dataclasses: no SOAP objects, no JSON envelopes, no pipe strings leave a gateway package.

Errors say what the caller may do next:
- GatewayNotSent: the exchange did not receive the request (connection refused, rate limited, circuit
  open, session refused before the order call). Safe to try again, even at another gateway.
- GatewayOutcomeUnknown: the request left and no definitive answer came back (timeout, lost reply,
  HTTP 5xx, SOAP fault, unparseable reply). Never resend: ask the same gateway for the order's status.
- GatewayRejected: the exchange answered no. Permanent for this request."""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class GatewayError(Exception):
    transient = False
    outcome_unknown = False

    def __init__(self, message: str, *, code: str = "gateway_error", raw: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.raw = raw


class GatewayNotSent(GatewayError):
    transient = True


class GatewayOutcomeUnknown(GatewayError):
    transient = True
    outcome_unknown = True


class GatewayRejected(GatewayError):
    transient = False


class CircuitOpen(GatewayNotSent):
    pass


class RateLimited(GatewayNotSent):
    pass


# --- Client registration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRegistrationRequest:
    client_code: str
    full_name: str
    pan: str
    date_of_birth: date | None
    tax_status: str
    email: str
    mobile: str
    bank_account_number: str
    bank_ifsc: str
    bank_account_type: str


@dataclass(frozen=True)
class RegistrationResult:
    client_code: str
    message: str = ""


# --- Lumpsum orders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderContext:
    """Who and what: common to every order request."""

    reference: str  # our reference, stable across attempts (BSE RefNo, MFU uniqueId prefix)
    attempt_ref: str  # unique per attempt (BSE TransNo)
    client_code: str
    euin: str = ""
    ip_address: str = ""
    email: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class PurchaseRequest:
    ctx: OrderContext
    scheme_code: str
    amount: Decimal
    folio_number: str = ""
    additional: bool = False


@dataclass(frozen=True)
class RedemptionRequest:
    ctx: OrderContext
    scheme_code: str
    folio_number: str
    amount: Decimal | None = None
    units: Decimal | None = None
    all_units: bool = False


@dataclass(frozen=True)
class SwitchRequest:
    ctx: OrderContext
    from_scheme_code: str
    to_scheme_code: str
    folio_number: str
    amount: Decimal | None = None
    units: Decimal | None = None
    all_units: bool = False


@dataclass(frozen=True)
class OrderPlaced:
    exchange_order_id: str
    attempt_ref: str
    message: str = ""
    raw: str = ""


@dataclass(frozen=True)
class OrderCancelRequest:
    ctx: OrderContext
    exchange_order_id: str
    scheme_code: str
    kind: str  # purchase / redemption / switch
    amount: Decimal | None = None


@dataclass(frozen=True)
class CancelResult:
    message: str = ""


# --- Status and statements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusQuery:
    client_code: str
    from_date: date
    to_date: date
    exchange_order_id: str = ""


@dataclass(frozen=True)
class OrderStatusRecord:
    exchange_order_id: str
    reference: str  # our reference as the exchange echoes it (BSE InternalRefNo)
    client_code: str
    scheme_code: str
    status: str  # VALID / INVALID / CANCELLED as the exchange says it, normalised upper-case
    remarks: str = ""
    order_date: date | None = None
    sip_reg_id: str = ""


@dataclass(frozen=True)
class AllotmentRecord:
    exchange_order_id: str
    reference: str
    client_code: str
    scheme_code: str
    folio_number: str
    units: Decimal
    nav: Decimal
    amount: Decimal
    nav_date: date
    rta_trans_no: str = ""
    sip_reg_id: str = ""
    kind: str = "purchase"  # purchase / redemption / switch_in / switch_out


@dataclass(frozen=True)
class PaymentStatus:
    exchange_order_id: str
    state: str  # not_initiated / awaiting / approved / rejected
    message: str = ""
    realised_at: datetime | None = None


@dataclass(frozen=True)
class PaymentLinkRequest:
    client_code: str
    exchange_order_ids: tuple[str, ...]
    amount: Decimal
    return_url: str
    bank_account_number: str = ""
    bank_ifsc: str = ""


@dataclass(frozen=True)
class PaymentLink:
    url: str


# --- SIPs and mandates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class XsipRegisterRequest:
    ctx: OrderContext
    scheme_code: str
    amount: Decimal
    frequency: str
    start_date: date
    instalments: int
    mandate_id: str
    folio_number: str = ""
    first_order_today: bool = False


@dataclass(frozen=True)
class XsipRegistered:
    reg_id: str
    attempt_ref: str
    message: str = ""


@dataclass(frozen=True)
class XsipCancelRequest:
    ctx: OrderContext
    reg_id: str
    scheme_code: str


@dataclass(frozen=True)
class ChildOrder:
    exchange_order_id: str
    reg_id: str
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class MandateRegisterRequest:
    client_code: str
    amount: Decimal
    mandate_type: str
    bank_account_number: str
    bank_ifsc: str
    bank_account_type: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class MandateRegistered:
    mandate_id: str
    message: str = ""


@dataclass(frozen=True)
class MandateStatusRecord:
    mandate_id: str
    state: str  # registered / approved / rejected / cancelled
    message: str = ""


@dataclass
class CallContext:
    """What the audit row of a call links to."""

    order_id: int | None = None
    sip_id: int | None = None
    mandate_id: int | None = None
    reference: str = ""
    extra: dict = field(default_factory=dict)


class Operation:
    """What a gateway may be asked to do. Each gateway lists the ones it offers in `operations`."""

    PURCHASE = "purchase"
    REDEMPTION = "redemption"
    SWITCH = "switch"
    ORDER_CANCEL = "order_cancel"
    SIP_REGISTER = "sip_register"
    SIP_CANCEL = "sip_cancel"
    MANDATE_REGISTER = "mandate_register"

    ALL = frozenset({PURCHASE, REDEMPTION, SWITCH, ORDER_CANCEL, SIP_REGISTER, SIP_CANCEL, MANDATE_REGISTER})


class TransactionGateway(ABC):
    """One exchange. Implementations raise the errors above and return the dataclasses above.

    A gateway declares once what it offers (`operations`, read through `supports`) and owns what only it
    knows: the scheme codes it trades under and the member id its attempt references carry."""

    name: str
    label: str = ""  # how investors and staff know the exchange ("BSE StAR MF")
    operations: frozenset[str] = Operation.ALL
    # SIP frequencies and days of the month the exchange registers SIPs for (empty: no SIPs)
    sip_frequencies: tuple[str, ...] = ()
    sip_days: tuple[int, ...] = ()
    # the scheme master's code sources this exchange trades under, in order of preference
    scheme_code_sources: tuple[str, ...] = ()

    @classmethod
    def supports(cls, operation: str) -> bool:
        return operation in cls.operations

    @property
    @abstractmethod
    def reference_member_id(self) -> str:
        """The member id written into each attempt's reference (BSE's TransNo)."""

    @abstractmethod
    def client_code_for(self, *, investor_public_id: uuid.UUID) -> str:
        """The code the investor is registered under at this exchange, derived from their public id."""

    @abstractmethod
    def scheme_code(self, *, scheme) -> str:
        """The code this exchange trades `scheme` under; GatewayRejected("scheme_not_available") if none."""

    @abstractmethod
    def login_check(self) -> None:
        """Signs in afresh with the distributor's identity; raises GatewayError when refused."""

    @abstractmethod
    def register_client(self, request: ClientRegistrationRequest, *, call: CallContext) -> RegistrationResult: ...

    @abstractmethod
    def register_fatca(self, request: ClientRegistrationRequest, *, call: CallContext) -> RegistrationResult: ...

    @abstractmethod
    def purchase(self, request: PurchaseRequest, *, call: CallContext) -> OrderPlaced: ...

    @abstractmethod
    def redeem(self, request: RedemptionRequest, *, call: CallContext) -> OrderPlaced: ...

    @abstractmethod
    def switch(self, request: SwitchRequest, *, call: CallContext) -> OrderPlaced: ...

    @abstractmethod
    def cancel_order(self, request: OrderCancelRequest, *, call: CallContext) -> CancelResult: ...

    @abstractmethod
    def order_status(self, query: StatusQuery, *, call: CallContext) -> list[OrderStatusRecord]: ...

    @abstractmethod
    def allotment_statement(self, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]: ...

    @abstractmethod
    def redemption_statement(self, query: StatusQuery, *, call: CallContext) -> list[AllotmentRecord]: ...

    @abstractmethod
    def payment_link(self, request: PaymentLinkRequest, *, call: CallContext) -> PaymentLink: ...

    @abstractmethod
    def payment_status(self, *, client_code: str, exchange_order_id: str, call: CallContext) -> PaymentStatus: ...

    @abstractmethod
    def xsip_register(self, request: XsipRegisterRequest, *, call: CallContext) -> XsipRegistered: ...

    @abstractmethod
    def xsip_cancel(self, request: XsipCancelRequest, *, call: CallContext) -> CancelResult: ...

    @abstractmethod
    def xsip_child_orders(self, *, client_code: str, reg_id: str, call: CallContext) -> list[ChildOrder]: ...

    @abstractmethod
    def mandate_register(self, request: MandateRegisterRequest, *, call: CallContext) -> MandateRegistered: ...

    @abstractmethod
    def mandate_status(self, *, client_code: str, mandate_id: str, call: CallContext) -> MandateStatusRecord: ...
