"""The KRA PAN-inquiry protocol as CVL KRA publishes it to intermediaries: a SOAP 1.2 call
`PANValidation` whose `inputXML` carries an APP_REQ_ROOT document, answered by an APP_RES_ROOT with
one APP_PAN_INQ per PAN. Status codes as seen in public integrations; each KRA may add its own, so an
unknown code is treated as pending and its code kept for support (unverified details are marked)."""

from apps.accounts.models import KycStatus

SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
SERVICE_NS = "https://www.cvlkra.com/"
OPERATION = "PANValidation"
IOP_FLAG_INQUIRY = "IE"  # inquiry on an existing record

NOT_AVAILABLE = "05"

# APP_STATUS -> (our status, default reason)
STATUS_MAP: dict[str, tuple[KycStatus, str]] = {
    "00": (KycStatus.NOT_STARTED, "No KYC record at the KRA."),
    "01": (KycStatus.PENDING, "KYC submitted, awaiting the KRA."),
    "02": (KycStatus.VERIFIED, ""),
    "03": (KycStatus.ON_HOLD, "KYC on hold at the KRA."),
    "04": (KycStatus.REJECTED, "KYC rejected by the KRA."),
    NOT_AVAILABLE: (KycStatus.NOT_STARTED, "No KYC record at the KRA: complete KYC first."),
    "06": (KycStatus.REJECTED, "KYC deactivated at the KRA: it must be done again."),
    "07": (KycStatus.VERIFIED, ""),  # KRA validated (unverified: some KRAs use it for Aadhaar-based KYC)
}
