"""BSE's replies: pipe-separated strings whose field order differs between operations, success codes that
are "0" in some and "100" in others, and error remarks in upper case."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from apps.orders.gateways.bse_starmf import consts
from apps.orders.gateways.interface import GatewayNotSent, GatewayOutcomeUnknown, GatewayRejected


@dataclass(frozen=True)
class PipeReply:
    fields: dict[str, str]
    ok: bool
    remarks: str
    raw: str


def _split(raw: str | None, layout: tuple[str, ...], *, operation: str) -> dict[str, str]:
    text = (raw or "").strip()
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < len(layout):
        # a reply we cannot read is not an answer: the order may or may not be there
        raise GatewayOutcomeUnknown(f"Unreadable {operation} reply.", code="unreadable_reply", raw=text)
    if len(parts) > len(layout):
        # remarks may contain a pipe: keep the fixed fields at both ends, join the middle
        head = len(layout) - 2
        parts = [*parts[:head], "|".join(parts[head:-1]), parts[-1]]
    return dict(zip(layout, parts, strict=True))


def parse_lumpsum_reply(raw: str | None, *, operation: str = "orderEntryParam") -> PipeReply:
    """TransCode|TransNo|OrderId|UserId|MemberId|ClientCode|Remarks|SuccessFlag (0 = success)."""
    fields = _split(raw, consts.LUMPSUM_REPLY, operation=operation)
    return PipeReply(fields=fields, ok=fields["SuccessFlag"] == "0", remarks=fields["Remarks"], raw=raw or "")


def parse_xsip_reply(raw: str | None) -> PipeReply:
    """TransCode|RefNo|MemberId|ClientCode|UserId|RegId|Remarks|Flag (0 = success)."""
    fields = _split(raw, consts.XSIP_REPLY, operation="xsipOrderEntryParam")
    return PipeReply(fields=fields, ok=fields["Flag"] == "0", remarks=fields["Remarks"], raw=raw or "")


def parse_code_reply(raw: str | None, *, operation: str) -> tuple[bool, str]:
    """getPassword and MFAPI: "100|<value>" or "101|<reason>"."""
    text = (raw or "").strip()
    code, sep, rest = text.partition("|")
    if not sep or code.strip() not in {"100", "101"}:
        raise GatewayOutcomeUnknown(f"Unreadable {operation} reply.", code="unreadable_reply", raw=text)
    return code.strip() == "100", rest.strip()


def classify_error(remarks: str) -> tuple[str, bool]:
    """Our error code for a BSE remark and whether trying again later may succeed."""
    text = " ".join((remarks or "").upper().split())
    for prefix in sorted(consts.ERRORS, key=len, reverse=True):
        if text.startswith(prefix) or f" {prefix}" in text:
            return consts.ERRORS[prefix]
    return "exchange_rejected", False


def raise_for_remarks(remarks: str, *, raw: str = "") -> None:
    """A definitive "no" from BSE: transient ones (expired session) were not taken, so may be sent again."""
    code, transient = classify_error(remarks)
    if transient:
        raise GatewayNotSent(remarks or "BSE refused the request.", code=code, raw=raw)
    raise GatewayRejected(remarks or "BSE rejected the request.", code=code, raw=raw)


def payment_state(text: str) -> str:
    upper = (text or "").upper()
    for prefix, state in consts.PAYMENT_STATES:
        if upper.startswith(prefix):
            return state
    return "unknown"


def to_decimal(value: str | None) -> Decimal:
    try:
        return Decimal((value or "0").replace(",", "").strip() or "0")
    except InvalidOperation:
        return Decimal("0")


def to_date(value: str | None) -> date | None:
    text = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%b %d %Y %I:%M%p"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def bse_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def amount_str(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def units_str(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.4f}"
