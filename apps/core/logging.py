"""Logging filters: every record carries the request id and the tenant schema; PANs, e-mail addresses
and mobile numbers are masked before anything is written."""

import logging
import re
from typing import Any

from apps.core.context import current_request_id

PAN_RE = re.compile(r"\b([A-Z]{5})([0-9]{4})([A-Z])\b")
EMAIL_RE = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# not inside a run of hex digits: a UUID (request and task ids) holds digit runs that look like mobiles
MOBILE_RE = re.compile(r"(?<![0-9A-Fa-f])(?:\+?91[- ]?)?([6-9])\d{5}(\d{4})(?![0-9A-Fa-f])")


def mask_pan(pan: str) -> str:
    """ABCDE1234F -> XXXXX1234X: keeps the digits an operator needs to talk about it."""
    pan = (pan or "").upper()
    return f"XXXXX{pan[5:9]}X" if PAN_RE.fullmatch(pan) else "*" * len(pan)


def mask_text(text: str) -> str:
    text = PAN_RE.sub(lambda m: f"XXXXX{m.group(2)}X", text)
    text = EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return MOBILE_RE.sub(lambda m: f"{m.group(1)}XXXXX{m.group(2)}", text)


def mask_pii(value: Any) -> Any:
    """Masks PII inside nested dicts, lists and strings (audit extras, gateway payloads)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_pii(item) for key, item in value.items()}
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
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
