"""BSE StAR MF names, namespaces, reply layouts and error strings (from BSE's WSDLs and its web service
structure document v3.1). Layouts BSE publishes only to members are marked UNVERIFIED: they are ours,
kept in one place so they can be changed when the member documents say otherwise."""

from pathlib import Path

WSDL_DIR = Path(__file__).resolve().parent / "wsdl"
ORDER_WSDL_FILE = WSDL_DIR / "MFOrder.wsdl"
SERVICES_WSDL_FILE = WSDL_DIR / "StarMFWebService.wsdl"

ORDER_NS = "http://bsestarmf.in/"
ORDER_BINDING = "{http://bsestarmf.in/}WSHttpBinding_MFOrderEntry"
ORDER_ACTION = "http://bsestarmf.in/MFOrderEntry/{op}"
SERVICES_NS = "http://www.bsestarmf.in/2016/01/"
SERVICES_BINDING = "{http://tempuri.org/}WSHttpBinding_IStarMFWebService"
SERVICES_ACTION = "http://www.bsestarmf.in/2016/01/IStarMFWebService/{op}"
DATACONTRACT_NS = "http://schemas.datacontract.org/2004/07/StarMFWebService"

# Sessions: the MFOrder password lasts an hour, the additional services' five minutes. We renew earlier.
ORDER_SESSION_SECONDS = 3600
SERVICES_SESSION_SECONDS = 300
SESSION_MARGIN_SECONDS = 60

# Reply layouts (pipe separated).
LUMPSUM_REPLY = ("TransCode", "TransNo", "OrderId", "UserId", "MemberId", "ClientCode", "Remarks", "SuccessFlag")
XSIP_REPLY = ("TransCode", "RefNo", "MemberId", "ClientCode", "UserId", "RegId", "Remarks", "Flag")

# MFAPI flags (StarMFWebService.MFAPI).
FLAG_FATCA = "01"
FLAG_UCC = "02"
FLAG_PAYMENT_LINK = "03"
FLAG_MANDATE_REGISTER = "06"
FLAG_PAYMENT_STATUS = "11"

# UNVERIFIED: the member-only client master and FATCA layouts, reduced to the fields we hold.
UCC_PARAM_FIELDS = (
    "ClientCode", "Holding", "TaxStatus", "Occupation", "Name", "DOB", "Gender", "PAN", "ClientType",
    "AccType", "AccNo", "IFSC", "Email", "Mobile", "CommMode",
)  # fmt: skip
FATCA_PARAM_FIELDS = ("PAN", "ClientCode", "Name", "DOB", "TaxStatus", "BirthCountry", "Citizenship", "TaxResidency")
PAYMENT_LINK_PARAM_FIELDS = ("MemberCode", "ClientCode", "LogoutURL", "Mode", "BankAccount", "IFSC", "Orders", "Total")
PAYMENT_STATUS_PARAM_FIELDS = ("ClientCode", "OrderNo", "Segment")
MANDATE_PARAM_FIELDS = (
    "ClientCode",
    "Amount",
    "MandateType",
    "AccNo",
    "AccType",
    "IFSC",
    "MICR",
    "StartDate",
    "EndDate",
)

TAX_STATUS = {"individual": "01", "minor": "02", "huf": "03", "nri": "21"}

# Payment status texts (MFAPI flag 11).
PAYMENT_STATES = (
    ("PAYMENT NOT INITIATED", "not_initiated"),
    ("AWAITING FOR FUNDS CONFIRMATION", "awaiting"),
    ("APPROVED", "approved"),
    ("REJECTED", "rejected"),
)

# BSE's error strings -> (our code, transient?). Matched as prefixes of the upper-cased remark, longest
# first. Transient here means "try again later": the exchange did not take the request.
ERRORS: dict[str, tuple[str, bool]] = {
    "INVALID ENCRYPTED PASSWORD": ("session_expired", True),
    "PASSWORD EXPIRED": ("session_expired", True),
    "ACCESS TEMPORARILY SUSPENDED": ("exchange_unavailable", True),
    "YOU HAVE EXCEEDED MAXIMUM LOGIN ATTEMPTS": ("login_locked", False),
    "USER IS DISABLED": ("login_disabled", False),
    "INVALID ACCOUNT INFORMATION": ("login_failed", False),
    "INVALID USER ID": ("login_failed", False),
    "USER NOT EXISTS": ("login_failed", False),
    "USER ID SHOULD NOT BE BLANK": ("login_failed", False),
    "PASSWORD SHOULD NOT BE BLANK": ("login_failed", False),
    "PASSKEY SHOULD NOT BE BLANK": ("login_failed", False),
    "MEMBER ID SHOULD NOT BE BLANK": ("member_invalid", False),
    "THE MEMBER IS SUSPENDED": ("member_suspended", False),
    "THE BRANCH IS SUSPENDED": ("member_suspended", False),
    "MEMBER CODE MANDATORY": ("member_invalid", False),
    "INVALID MEMBER CODE": ("member_invalid", False),
    "CLIENT CODE MANDATORY": ("client_not_registered", False),
    "INVALID CLIENT CODE": ("client_not_registered", False),
    "INVALID PARAM STRING FORMAT": ("invalid_request", False),
    "INVALID ACTION CODE": ("invalid_request", False),
    "INVALID MANDATE NUMBER": ("mandate_invalid", False),
    "INVALID PAYMENT MODE": ("payment_invalid", False),
    "INVALID CLIENT ACCOUNT NUMBER": ("payment_invalid", False),
    "SELECT AT LEAST ONE ORDER": ("payment_invalid", False),
    "INVALID ORDER NUMBER": ("order_not_found", False),
    "INVALID TOTAL ORDER AMOUNT": ("payment_invalid", False),
    "ORDER NUMBER ALREADY INITIATED": ("payment_already_initiated", False),
    "PAYMENT DONE FOR THIS ORDER NUMBER": ("payment_already_done", False),
    "INVALID LOGOUT URL FORMAT": ("payment_invalid", False),
    "FAILED: ORDER NOT FOUND": ("order_not_found", False),
    "FAILED: ORDER CANCELLATION NOT ALLOWED": ("cancel_not_allowed", False),
    "FAILED: PAYMENT ALREADY RECIEVED": ("cancel_not_allowed", False),
    "FAILED: ORDER ALREADY MARKED AS INVALID": ("already_invalid", False),
    "FAILED: TIME EXCEEDED FOR PAYMENT REJECTION": ("cancel_not_allowed", False),
    # UNVERIFIED (BSE's member documents): the sandbox uses these for its own refusals.
    "FAILED: TRANSACTION NUMBER ALREADY EXISTS": ("duplicate_attempt_ref", False),
    "FAILED: SCHEME NOT FOUND": ("scheme_not_available", False),
    "FAILED: MINIMUM": ("below_minimum", False),
    "FAILED: INSUFFICIENT UNITS": ("insufficient_units", False),
}


# The scheme master's codes BSE trades under.
SCHEME_CODE_SOURCES = ("bse",)

# XSIP registration (xsipOrderEntryParam FrequencyType), and the days of the month an instalment may fall
# on: 1 to 28, so that every month has the day (the SIP schedule keeps a start on the 29th-31st to the 28th).
XSIP_FREQUENCIES = ("MONTHLY", "QUARTERLY", "WEEKLY")
XSIP_DAYS = tuple(range(1, 29))

# A client's UCC (unique client code) is at most this long.
UCC_MAX_LENGTH = 10
