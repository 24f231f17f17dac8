"""Outbound HTTP, once: every call to an outside system (AMFI, a KRA, the exchanges, their sandbox
simulators) goes through a GuardedSession or an HttpClient.

- Timeouts always (connect and read); a call without one gets the session's default.
- A host allow-list: loopback, plus the hosts the caller names (its configured endpoints). It is checked
  on every request the session sends, redirects and WSDL imports included, so nothing is fetched from a
  host nobody configured. Proxies from the environment are ignored.
- Retries with exponential backoff and jitter for transient faults only (the connection failed or timed
  out, 429, 5xx from a proxy or an overloaded server); anything else is answered at once. Calls with a
  side effect decide themselves whether a retry is safe (see apps.orders.gateways.base)."""

import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import urlparse

import requests

logger = logging.getLogger(__name__)
T = TypeVar("T")

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = (3.05, 30.0)


class HostNotAllowed(requests.exceptions.InvalidURL):
    """The URL's host is neither loopback nor one the caller was configured to reach."""


class TransientHttpError(Exception):
    """A transient fault that outlasted the retries. `status` is the last HTTP status, if one came."""

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 1):
        super().__init__(message)
        self.status = status
        self.attempts = attempts


def host_allowed(url: str, *, allowed_hosts: Iterable[str] = ()) -> bool:
    """Loopback (and *.localhost), local files, or a host in `allowed_hosts` (case-insensitive)."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return True
    host = (parsed.hostname or "").lower()
    if host in LOOPBACK_HOSTS or host.endswith(".localhost"):
        return True
    return host in {h.lower() for h in allowed_hosts}


def hosts_of(*urls: str) -> list[str]:
    """The host names of configured endpoint URLs (empty ones skipped), for an allow-list."""
    return [urlparse(url).hostname or "" for url in urls if url]


class GuardedSession(requests.Session):
    """A requests session that sends only to allowed hosts, with a default timeout and no proxies from
    the environment. `allowed_hosts` may be a callable so settings changed at run time count."""

    def __init__(self, *, allowed_hosts: Iterable[str] | Callable[[], Iterable[str]] = (), timeout=DEFAULT_TIMEOUT):
        super().__init__()
        self.trust_env = False
        self._allowed_hosts = allowed_hosts
        self.default_timeout = timeout

    def allowed_hosts(self) -> Iterable[str]:
        return self._allowed_hosts() if callable(self._allowed_hosts) else self._allowed_hosts

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)

    def send(self, request, **kwargs):
        # send() sees every request, redirects included
        if not host_allowed(request.url, allowed_hosts=self.allowed_hosts()):
            raise HostNotAllowed(f"Refusing to reach {urlparse(request.url).hostname}: not a configured host.")
        kwargs.setdefault("timeout", self.default_timeout)
        return super().send(request, **kwargs)


def backoff_delay(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait before retry number `attempt` (1, 2, ...): exponential, capped, with "equal
    jitter" (between half and all of the step) so that clients that failed together do not retry together."""
    step = min(cap, base * 2 ** max(0, attempt - 1))
    return random.uniform(step / 2, step) if step > 0 else 0.0  # noqa: S311 - timing, not security


def retry_transient(
    fn: Callable[[], T],
    *,
    is_transient: Callable[[Exception], bool],
    attempts: int,
    base_delay: float,
    max_delay: float,
    sleep: Callable[[float], None] = time.sleep,
    label: str = "",
) -> T:
    """Runs `fn`; a failure `is_transient` accepts is retried after a backoff, up to `attempts` runs in
    all, and the last one is raised. Anything else is raised at once."""
    attempts = max(1, attempts)
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts or not is_transient(exc):
                raise
            logger.warning("%s failed (attempt %s/%s): %s; retrying", label or "outbound call", attempt, attempts, exc)
            sleep(backoff_delay(attempt, base=base_delay, cap=max_delay))
    raise AssertionError("unreachable")


class _TransientStatus(Exception):
    def __init__(self, response: requests.Response):
        super().__init__(f"HTTP {response.status_code} from {urlparse(response.url).hostname}")
        self.response = response


def _transient(exc: Exception) -> bool:
    return isinstance(exc, _TransientStatus | requests.ConnectionError | requests.Timeout)


class HttpClient:
    """Requests to allowed hosts with timeouts and retries of transient faults (for reads and other calls
    that are safe to repeat). Non-transient answers (2xx-4xx but 429) are returned for the caller to judge;
    a transient fault that outlasts the retries raises TransientHttpError. `sleep` is injectable for tests."""

    def __init__(
        self,
        *,
        allowed_hosts: Iterable[str] = (),
        connect_timeout: float = DEFAULT_TIMEOUT[0],
        read_timeout: float = DEFAULT_TIMEOUT[1],
        attempts: int = 3,
        base_delay: float = 0.2,
        max_delay: float = 2.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.timeout = (connect_timeout, read_timeout)
        self.session = session or GuardedSession(allowed_hosts=list(allowed_hosts), timeout=self.timeout)
        self.allowed_hosts = list(allowed_hosts)
        self.attempts = max(1, attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep

    def request(self, method: str, url: str, *, read: Callable[[requests.Response], T] | None = None, **kwargs):
        """One request, retried on transient faults. `read(response)` runs inside each attempt (to stream
        a body under a size limit, say) and its result is returned instead of the response."""
        if not host_allowed(url, allowed_hosts=self.allowed_hosts):
            raise HostNotAllowed(f"Refusing to reach {urlparse(url).hostname}: not a configured host.")
        kwargs.setdefault("timeout", self.timeout)

        def attempt():
            response = self.session.request(method, url, **kwargs)
            if response.status_code in TRANSIENT_STATUSES:
                response.close()
                raise _TransientStatus(response)
            if read is None:
                return response
            with response:
                return read(response)

        try:
            return retry_transient(
                attempt,
                is_transient=_transient,
                attempts=self.attempts,
                base_delay=self.base_delay,
                max_delay=self.max_delay,
                sleep=self.sleep,
                label=f"{method} {urlparse(url).hostname}",
            )
        except _TransientStatus as exc:
            status = exc.response.status_code
            raise TransientHttpError(str(exc), status=status, attempts=self.attempts) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            reason = f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
            raise TransientHttpError(reason, attempts=self.attempts) from exc

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.request("POST", url, **kwargs)
