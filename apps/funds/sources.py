"""Where NAV files come from: AMFI over HTTP, or a local file. Importers take a NavSource and never talk
to the network themselves.

The HTTP source has connect and read timeouts, a size limit, and retries with exponential backoff and
jitter for transient faults only (connection errors, timeouts, 429 and 5xx). A 4xx other than 429 is permanent. A
200 answer that is not a NAV file (AMFI's "Object Moved" page) is refused later by the parser."""

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
from apps.core.http import HttpClient, TransientHttpError, hosts_of


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


class AmfiHttpSource(NavSource):
    """GET through the shared outbound client (apps.core.http: timeouts, only this URL's host, retries
    with backoff and jitter on transient faults). `sleep` and `session` are injectable for tests."""

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
        self.max_bytes = max_bytes or settings.FUNDS_HTTP_MAX_BYTES
        backoff = backoff_seconds if backoff_seconds is not None else settings.FUNDS_HTTP_BACKOFF_SECONDS
        retries = retries if retries is not None else settings.FUNDS_HTTP_RETRIES
        self.http = HttpClient(
            allowed_hosts=hosts_of(url),
            connect_timeout=connect_timeout if connect_timeout is not None else settings.FUNDS_HTTP_CONNECT_TIMEOUT,
            read_timeout=read_timeout if read_timeout is not None else settings.FUNDS_HTTP_READ_TIMEOUT,
            attempts=retries + 1,
            base_delay=backoff,
            max_delay=backoff * 2**retries,
            session=session,
            sleep=sleep,
        )

    def describe(self) -> str:
        return self.url

    def _read(self, response: requests.Response) -> bytes:
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
        headers = {"User-Agent": settings.FUNDS_HTTP_USER_AGENT, "Accept": "text/plain, */*"}
        try:
            content = self.http.get(self.url, headers=headers, stream=True, read=self._read)
        except TransientHttpError as exc:
            raise SourceUnavailable(
                f"{self.url} unavailable after {exc.attempts} attempts: {exc}", transient=True, attempts=exc.attempts
            ) from None
        except requests.RequestException as exc:  # invalid URL, too many redirects, a host not allowed, ...
            raise SourceUnavailable(f"{self.url}: {exc}", transient=False) from None
        return NavDocument(content=content, origin=self.url, fetched_at=timezone.now())


def nav_source_for(location: str) -> NavSource:
    """A source for a path or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        return AmfiHttpSource(location)
    return LocalFileSource(location)
