"""What every gateway client shares: the circuit breaker, the rate limit, the audit row and the translation
of transport failures into "not sent" (safe to retry) or "outcome unknown" (ask before retrying)."""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from lxml.etree import XMLSyntaxError
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError

from apps.core.http import retry_transient
from apps.orders.gateways import circuit, ratelimit
from apps.orders.gateways.audit import record_call
from apps.orders.gateways.interface import (
    CallContext,
    CircuitOpen,
    GatewayError,
    GatewayNotSent,
    GatewayOutcomeUnknown,
    RateLimited,
)
from apps.orders.gateways.transport import HostNotAllowed

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _connect_failed(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the connection was never made (refused, no route, DNS): nothing reached the exchange."""
    text = repr(exc)
    return (
        any(marker in text for marker in ("NewConnectionError", "ConnectionRefused", "NameResolution", "Max retries"))
        and "RemoteDisconnected" not in text
        and "Connection aborted" not in text
    )


def translate(exc: Exception, *, side_effect: bool) -> GatewayError:
    """A transport failure as a gateway error. Reads (side_effect=False) are always safe to repeat."""

    def after_send(message: str, code: str) -> GatewayError:
        return GatewayOutcomeUnknown(message, code=code) if side_effect else GatewayNotSent(message, code=code)

    if isinstance(exc, GatewayError):
        return exc
    if isinstance(exc, HostNotAllowed):
        return GatewayNotSent(str(exc), code="host_not_allowed")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return GatewayNotSent("Could not connect to the exchange in time.", code="connect_timeout")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return after_send("The exchange did not answer in time.", "timeout")
    if isinstance(exc, requests.exceptions.ConnectionError):
        if _connect_failed(exc):
            return GatewayNotSent("Could not connect to the exchange.", code="connect_failed")
        return after_send("The connection broke before the exchange answered.", "connection_lost")
    if isinstance(exc, TransportError):
        if exc.status_code in (429, 502, 503):  # refused in front of the application: not processed
            return GatewayNotSent(f"The exchange answered HTTP {exc.status_code}.", code=f"http_{exc.status_code}")
        return after_send(f"The exchange answered HTTP {exc.status_code}.", f"http_{exc.status_code}")
    if isinstance(exc, Fault):
        return after_send(f"SOAP fault: {exc.message}", "soap_fault")
    if isinstance(exc, XMLSyntaxError | ZeepError | requests.exceptions.RequestException):
        return after_send(f"Unreadable answer from the exchange: {exc}", "unreadable_reply")
    return after_send(f"Unexpected error talking to the exchange: {exc!r}", "unexpected")


def guarded_call(
    *,
    gateway: str,
    operation: str,
    call: CallContext | None,
    request: dict[str, Any],
    side_effect: bool,
    invoke: Callable[[], T],
    describe: Callable[[T], str] = str,
    check: Callable[[T], None] | None = None,
) -> T:
    """Runs one external call behind the circuit breaker and the rate limit and writes its audit row.
    `check` raises GatewayRejected / GatewayNotSent for a definitive refusal in the reply."""
    if circuit.is_open(gateway):
        record_call(
            gateway=gateway, operation=operation, call=call, request=request, response="", latency_ms=0,
            outcome="circuit_open", error_code="circuit_open",
        )  # fmt: skip
        raise CircuitOpen(f"{gateway} is unavailable (circuit open).", code="circuit_open")
    try:
        ratelimit.acquire(gateway)
    except RateLimited as exc:
        record_call(
            gateway=gateway, operation=operation, call=call, request=request, response="", latency_ms=0,
            outcome="throttled", error_code=exc.code,
        )  # fmt: skip
        raise
    started = time.monotonic()
    http_status = None
    try:
        result = invoke()
    except Exception as exc:  # noqa: BLE001 - every failure is translated and audited
        error = translate(exc, side_effect=side_effect)
        http_status = getattr(exc, "status_code", None)
        latency = int((time.monotonic() - started) * 1000)
        circuit.record_failure(gateway)
        record_call(
            gateway=gateway, operation=operation, call=call, request=request,
            response=getattr(exc, "content", b"").decode("utf-8", "replace")[:2000]
            if isinstance(getattr(exc, "content", None), bytes) else str(exc),
            latency_ms=latency, outcome="unknown" if error.outcome_unknown else "transient",
            error_code=error.code, http_status=http_status,
        )  # fmt: skip
        logger.warning("%s.%s failed: %s (%s)", gateway, operation, error.code, error.message)
        raise error from exc
    latency = int((time.monotonic() - started) * 1000)
    circuit.record_success(gateway)
    text = describe(result)
    try:
        if check is not None:
            check(result)
    except GatewayError as error:
        record_call(
            gateway=gateway, operation=operation, call=call, request=request, response=text,
            latency_ms=latency, outcome="unknown" if error.outcome_unknown else
            ("transient" if error.transient else "rejected"), error_code=error.code, http_status=200,
        )  # fmt: skip
        raise
    record_call(
        gateway=gateway, operation=operation, call=call, request=request, response=text,
        latency_ms=latency, outcome="ok", http_status=200,
    )  # fmt: skip
    return result


def with_retries(fn: Callable[[], T], *, attempts: int = 3, base_delay: float = 0.2, max_delay: float = 2.0) -> T:
    """Retries `fn` on GatewayNotSent (never on an open circuit, an unknown outcome or a rejection), with
    the shared backoff and jitter. For reads and for calls the exchange never received."""
    return retry_transient(
        fn,
        is_transient=lambda exc: isinstance(exc, GatewayNotSent) and not isinstance(exc, CircuitOpen),
        attempts=attempts,
        base_delay=base_delay,
        max_delay=max_delay,
        label="gateway call",
    )
