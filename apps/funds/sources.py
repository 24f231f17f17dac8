"""Where NAV files come from: AMFI over HTTP, or a local file. Importers take a NavSource and never talk
to the network themselves.

The HTTP source has connect and read timeouts, a size limit, and retries with exponential backoff for
transient faults only (connection errors, timeouts, 429 and 5xx). A 4xx other than 429 is permanent. A
200 answer that is not a NAV file (AMFI's "Object Moved" page) is refused later by the parser."""

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone

from apps.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)


class SourceUnavailable(ApplicationError):
    """The file could not be fetched. `transient` says whether trying again later may help."""

    code = "source_unavailable"

    def __init__(self, message: str, *, transient: bool, attempts: int = 1):
        super().__init__(message, extra={"transient": transient, "attempts": attempts})
        self.transient = transient
        self.attempts = attempts
        self.run = None


@dataclass(frozen=True)
class NavDocument:
    content: bytes
    origin: str
    fetched_at: datetime


class NavSource(ABC):
    @abstractmethod
    def fetch(self) -> NavDocument:
        """The file's bytes, or SourceUnavailable."""

    @abstractmethod
    def describe(self) -> str:
        """Where the file comes from, for the ImportRun (a path or URL)."""


class LocalFileSource(NavSource):
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def describe(self) -> str:
        return str(self.path)

    def fetch(self) -> NavDocument:
        try:
            content = self.path.read_bytes()
        except FileNotFoundError:
            raise SourceUnavailable(f"No such file: {self.path}", transient=False) from None
        except OSError as exc:
            raise SourceUnavailable(f"Cannot read {self.path}: {exc.strerror}", transient=False) from None
        return NavDocument(content=content, origin=str(self.path), fetched_at=timezone.now())


_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


class AmfiHttpSource(NavSource):
    """GET with timeouts and retries. `sleep` is injectable so tests do not wait."""

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retries: int | None = None,
        backoff_seconds: float | None = None,
        max_bytes: int | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url
        self.timeout = (
            connect_timeout if connect_timeout is not None else settings.FUNDS_HTTP_CONNECT_TIMEOUT,
            read_timeout if read_timeout is not None else settings.FUNDS_HTTP_READ_TIMEOUT,
        )
        self.retries = retries if retries is not None else settings.FUNDS_HTTP_RETRIES
        self.backoff_seconds = backoff_seconds if backoff_seconds is not None else settings.FUNDS_HTTP_BACKOFF_SECONDS
        self.max_bytes = max_bytes or settings.FUNDS_HTTP_MAX_BYTES
        self.session = session or requests.Session()
        self.sleep = sleep

    def describe(self) -> str:
        return self.url

    def _get_once(self) -> bytes:
        headers = {"User-Agent": settings.FUNDS_HTTP_USER_AGENT, "Accept": "text/plain, */*"}
        with self.session.get(self.url, timeout=self.timeout, headers=headers, stream=True) as response:
            if response.status_code in _TRANSIENT_STATUS:
                raise _Transient(f"HTTP {response.status_code} from {self.url}")
            if response.status_code >= 400:
                raise SourceUnavailable(f"HTTP {response.status_code} from {self.url}", transient=False)
            chunks, size = [], 0
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceUnavailable(
                        f"{self.url} sent more than {self.max_bytes} bytes; refusing it.", transient=False
                    )
                chunks.append(chunk)
            return b"".join(chunks)

    def fetch(self) -> NavDocument:
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                content = self._get_once()
                return NavDocument(content=content, origin=self.url, fetched_at=timezone.now())
            except (_Transient, requests.ConnectionError, requests.Timeout) as exc:
                reason = str(exc) or exc.__class__.__name__
                if attempt == attempts:
                    raise SourceUnavailable(
                        f"{self.url} unavailable after {attempts} attempts: {reason}", transient=True, attempts=attempts
                    ) from None
                delay = self.backoff_seconds * 2 ** (attempt - 1)
                logger.warning("NAV download failed, retrying", extra={"url": self.url, "attempt": attempt})
                self.sleep(delay)
            except requests.RequestException as exc:  # invalid URL, too many redirects, ...
                raise SourceUnavailable(f"{self.url}: {exc}", transient=False, attempts=attempt) from None
        raise AssertionError("unreachable")


class _Transient(Exception):
    pass


def nav_source_for(location: str) -> NavSource:
    """A source for a path or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        return AmfiHttpSource(location)
    return LocalFileSource(location)
