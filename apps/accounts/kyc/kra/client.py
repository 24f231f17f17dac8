"""Thin wrapper around the KRA's PAN inquiry over HTTP (SOAP 1.2 envelopes built with the standard
library). Knows the wire format and nothing of investors."""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

import requests

from apps.accounts.kyc.interface import KycProviderError
from apps.accounts.kyc.kra import consts
from apps.core.http import HttpClient, TransientHttpError, hosts_of
from apps.core.logging import mask_pan
from apps.core.timezones import ist_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PanInquiryRecord:
    pan: str
    status_code: str
    name: str
    remarks: str
    date_of_birth: date | None = None  # APP_DOB_DT (DD-MM-YYYY) when the KRA gives it


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d-%m-%Y").date() if text else None
    except ValueError:
        return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_request(*, pan: str, dob: str, username: str, password: str, pos_code: str, now: datetime) -> bytes:
    inner = (
        "<APP_REQ_ROOT><APP_PAN_INQ>"
        f"<APP_PAN_NO>{_escape(pan)}</APP_PAN_NO><APP_PAN_DOB>{_escape(dob)}</APP_PAN_DOB>"
        f"<APP_IOP_FLG>{consts.IOP_FLAG_INQUIRY}</APP_IOP_FLG><APP_POS_CODE>{_escape(pos_code)}</APP_POS_CODE>"
        "</APP_PAN_INQ><APP_SUMM_REC>"
        f"<APP_OTHKRA_CODE>{_escape(pos_code)}</APP_OTHKRA_CODE><APP_OTHKRA_BATCH>{now:%Y%m%d%H%M%S}</APP_OTHKRA_BATCH>"
        f"<APP_REQ_DATE>{now:%d-%m-%Y %H:%M:%S}</APP_REQ_DATE><APP_TOTAL_REC>1</APP_TOTAL_REC>"
        "</APP_SUMM_REC></APP_REQ_ROOT>"
    )
    envelope = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap12:Envelope xmlns:soap12="{consts.SOAP_NS}"><soap12:Body>'
        f'<{consts.OPERATION} xmlns="{consts.SERVICE_NS}">'
        f"<inputXML><![CDATA[{inner}]]></inputXML>"
        f"<userName>{_escape(username)}</userName><PosCode>{_escape(pos_code)}</PosCode>"
        f"<password>{_escape(password)}</password><PassKey>{_escape(pos_code)}</PassKey>"
        f"</{consts.OPERATION}></soap12:Body></soap12:Envelope>"
    )
    return envelope.encode("utf-8")


def _text(element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def _strip_namespaces(element) -> None:
    """The KRA's test and live hosts answer in different namespaces; match on local names only."""
    for node in element.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.rsplit("}", 1)[1]


def parse_response(body: bytes) -> PanInquiryRecord:
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 (the KRA or our loopback simulator)
    except ElementTree.ParseError as exc:
        raise KycProviderError(f"KRA answered with unreadable XML: {exc}", transient=True) from None
    _strip_namespaces(root)
    result = root.find(f".//{consts.OPERATION}Result")
    if result is None:
        raise KycProviderError("KRA answer has no PANValidationResult.", transient=False)
    # the result is nested XML, or the same document as escaped text
    document = result.find("APP_RES_ROOT")
    if document is None:
        document = result.find("APP_REQ_ROOT")
    if document is None and (result.text or "").strip():
        try:
            document = ElementTree.fromstring(result.text.strip())  # noqa: S314
            _strip_namespaces(document)
        except ElementTree.ParseError:
            document = None
    if document is None:
        raise KycProviderError("KRA answer has no APP_RES_ROOT.", transient=False)
    error = document.find(".//ERROR")
    if error is not None:
        code, message = _text(error, "ERROR_CODE"), _text(error, "ERROR_MSG")
        raise KycProviderError(f"KRA refused the inquiry: {code} {message}".strip(), transient=False)
    record = document.find("APP_PAN_INQ")
    if record is None:
        raise KycProviderError("KRA answer has no APP_PAN_INQ.", transient=False)
    remarks = _text(record, "APP_HOLD_DEACTIVE_RMKS") or _text(record, "APP_UPDT_RMKS")
    return PanInquiryRecord(
        pan=_text(record, "APP_PAN_NO"),
        status_code=_text(record, "APP_STATUS"),
        name=_text(record, "APP_NAME"),
        remarks=remarks,
        date_of_birth=_date(_text(record, "APP_DOB_DT")),
    )


class KraClient:
    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        pos_code: str,
        timeout: float,
        max_attempts: int,
        session: requests.Session | None = None,
    ):
        self.base_url = base_url
        self.username = username
        self.password = password
        self.pos_code = pos_code
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        # a PAN inquiry is a read: safe to repeat on a transient fault
        self.http = HttpClient(
            allowed_hosts=hosts_of(base_url),
            connect_timeout=timeout,
            read_timeout=timeout,
            attempts=self.max_attempts,
            base_delay=0.2,
            max_delay=2.0,
            session=session,
        )

    def pan_inquiry(self, *, pan: str, dob: str = "") -> PanInquiryRecord:
        body = build_request(
            pan=pan,
            dob=dob,
            username=self.username,
            password=self.password,
            pos_code=self.pos_code,
            now=ist_now(),
        )
        headers = {
            "Content-Type": f'application/soap+xml; charset=utf-8; action="{consts.SERVICE_NS}{consts.OPERATION}"'
        }
        try:
            response = self.http.post(self.base_url, data=body, headers=headers)
        except TransientHttpError as exc:
            logger.warning("KRA PAN inquiry for %s failed after %s attempts: %s", mask_pan(pan), exc.attempts, exc)
            raise KycProviderError(_transient_message(exc), transient=True) from None
        except requests.RequestException as exc:
            raise KycProviderError(f"KRA unreachable: {exc.__class__.__name__}", transient=True) from None
        if response.status_code >= 400:
            raise KycProviderError(f"KRA refused the request: HTTP {response.status_code}.", transient=False)
        return parse_response(response.content)


def _transient_message(exc: TransientHttpError) -> str:
    if exc.status is not None:
        return f"KRA answered HTTP {exc.status}."
    if isinstance(exc.__cause__, requests.Timeout):
        return "KRA did not answer in time."
    return f"KRA unreachable: {exc.__cause__.__class__.__name__}"
