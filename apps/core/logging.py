"""Logging filters: every record carries the request id and the tenant schema; PANs (in any case), e-mail
addresses, mobile numbers, labelled bank account numbers and tokens are masked before anything is written:
in the message, in a traceback, in a stack and in the `extra` fields of the record."""

import logging
import re
from typing import Any

from apps.core.context import current_request_id

PAN_RE = re.compile(r"\b([A-Za-z]{5})([0-9]{4})([A-Za-z])\b")
EMAIL_RE = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# not inside a run of hex digits: a UUID (request and task ids) holds digit runs that look like mobiles
MOBILE_RE = re.compile(r"(?<![0-9A-Fa-f])(?:\+?91[- ]?)?([6-9])\d{5}(\d{4})(?![0-9A-Fa-f])")
# a bank account number only where it is labelled as one ("account_number=...", "A/c no: ...", "acct 123")
ACCOUNT_RE = re.compile(
    r"(?i)\b((?:bank_)?account(?:[ _-]?(?:number|no))?|acc(?:oun)?t[ _-]?no|acct|a/c(?:[ _-]?no)?)"
    r"(['\"]?\s*[:=#]?\s*['\"]?\s*)(\d{5,14})(\d{4})\b"
)
# a token, password or secret labelled as one, and a bearer credential
SECRET_RE = re.compile(
    r"(?i)\b((?:access_|refresh_|id_)?token|password|passwd|secret|client_secret|code_verifier|otp|api[_-]?key)"
    r"(['\"]?\s*[:=]\s*['\"]?)([^\s'\"&,;}]+)"
)
BEARER_RE = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
# the tokens our own links carry in their path (set-password and invitation links)
TOKEN_PATH_RE = re.compile(
    r"(/accounts/set-password/[^/\s?#]+/|(?<!investors)/(?:web/)?invite/|/api/v1/invitations/)[^/\s?#]+"
)
TOKEN_MASK = "[redacted]"

# keys of a mapping (an `extra`, a gateway payload) whose values are always secret or personal
SECRET_KEYS = frozenset(
    {"token", "access_token", "refresh_token", "id_token", "password", "secret", "client_secret", "otp", "code"}
)
ACCOUNT_KEYS = frozenset({"account_number", "bank_account_number", "acc_no", "account_no", "bank_account_no"})

# what every LogRecord has: anything else on a record came in through `extra`
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "tenant",
}


def mask_pan(pan: str) -> str:
    """ABCDE1234F -> XXXXX1234X: keeps the digits an operator needs to talk about it."""
    pan = (pan or "").upper()
    return f"XXXXX{pan[5:9]}X" if PAN_RE.fullmatch(pan) else "*" * len(pan)


def mask_account_number(number: str) -> str:
    """Every digit but the last four hidden."""
    number = number or ""
    return "X" * max(len(number) - 4, 0) + number[-4:] if len(number) > 4 else "*" * len(number)


def mask_text(text: str) -> str:
    text = BEARER_RE.sub(lambda m: f"{m.group(1)} {TOKEN_MASK}", text)
    text = SECRET_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{TOKEN_MASK}", text)
    text = TOKEN_PATH_RE.sub(lambda m: f"{m.group(1)}{TOKEN_MASK}", text)
    text = ACCOUNT_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{'X' * len(m.group(3))}{m.group(4)}", text)
    text = PAN_RE.sub(lambda m: f"XXXXX{m.group(2)}X", text)
    text = EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return MOBILE_RE.sub(lambda m: f"{m.group(1)}XXXXX{m.group(2)}", text)


_PLAIN_TYPES = (str, int, float, bool, type(None), dict, list, tuple)


def _mask_item(key: Any, value: Any) -> Any:
    name = str(key).lower()
    if not isinstance(value, _PLAIN_TYPES):
        # an object a formatter would write as str(), e.g. django.request's `request`: its path and query
        value = str(value)
    if isinstance(value, str | int) and not isinstance(value, bool):
        if name in SECRET_KEYS:
            return TOKEN_MASK
        if name in ACCOUNT_KEYS:
            return mask_account_number(str(value))
    return mask_pii(value)


def mask_pii(value: Any) -> Any:
    """Masks PII inside nested dicts, lists and strings (audit extras, gateway payloads, log extras)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _mask_item(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_pii(item) for item in value]
    return value


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from django.db import connection

        record.request_id = current_request_id() or "-"
        record.tenant = getattr(connection, "schema_name", None) or "-"
        return True


class MaskPiiFilter(logging.Filter):
    """Masks the message, the traceback (formatted here, so no formatter formats the raw one later), the
    stack and every `extra` field. A handler's filter: it sees records of every logger."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:
            record.exc_text = record.exc_text or self._formatter.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        for key in set(vars(record)) - _RECORD_ATTRIBUTES:
            setattr(record, key, _mask_item(key, getattr(record, key)))
        return True
