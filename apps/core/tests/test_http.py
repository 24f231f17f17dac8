"""The outbound client against a real HTTP server on loopback: retries of transient faults only, backoff
with jitter, timeouts, and the host allow-list (redirects included)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from apps.core.http import (
    GuardedSession,
    HostNotAllowed,
    HttpClient,
    TransientHttpError,
    backoff_delay,
    host_allowed,
    retry_transient,
)


class _Site:
    def __init__(self):
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                if self.path == "/flaky" and site.hits[self.path] < 3:
                    return self._answer(503)
                status, extra = {
                    "/ok": (200, {}),
                    "/flaky": (200, {}),
                    "/down": (502, {}),
                    "/busy": (429, {}),
                    "/missing": (404, {}),
                    "/away": (302, {"Location": "http://example.com/elsewhere"}),
                }[self.path]
                self._answer(status, extra)

            def _answer(self, status, extra=None):
                body = b"hello"
                self.send_response(status)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def site():
    served = _Site()
    yield served
    served.server.shutdown()
    served.server.server_close()


def _client(sleeps: list, **kwargs) -> HttpClient:
    return HttpClient(attempts=3, base_delay=0.5, max_delay=4.0, sleep=sleeps.append, **kwargs)


def test_transient_faults_are_retried_with_growing_jittered_waits(site):
    sleeps: list[float] = []
    response = _client(sleeps).get(site.url("/flaky"))
    assert response.status_code == 200 and site.hits["/flaky"] == 3
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


@pytest.mark.parametrize("path", ["/down", "/busy"])
def test_a_fault_that_outlasts_the_retries_is_raised(site, path):
    sleeps: list[float] = []
    with pytest.raises(TransientHttpError) as caught:
        _client(sleeps).get(site.url(path))
    assert site.hits[path] == 3 and len(sleeps) == 2
    assert caught.value.attempts == 3 and caught.value.status in (502, 429)


def test_a_permanent_answer_is_returned_at_once(site):
    sleeps: list[float] = []
    assert _client(sleeps).get(site.url("/missing")).status_code == 404
    assert site.hits["/missing"] == 1 and sleeps == []


def test_a_refused_connection_is_transient():
    sleeps: list[float] = []
    with _socket_nobody_listens_on() as port, pytest.raises(TransientHttpError):
        _client(sleeps, connect_timeout=0.5).get(f"http://127.0.0.1:{port}/")
    assert len(sleeps) == 2


def test_hosts_not_allowed_are_refused_before_and_after_a_redirect(site):
    with pytest.raises(HostNotAllowed):
        HttpClient(attempts=1).get("http://example.com/")
    with pytest.raises(HostNotAllowed):
        HttpClient(attempts=1).get(site.url("/away"))  # loopback, but it redirects out
    session = GuardedSession(allowed_hosts=["nav.example.org"])
    assert host_allowed("https://NAV.example.org/x", allowed_hosts=session.allowed_hosts())
    assert not host_allowed("https://evil.example.org/x", allowed_hosts=session.allowed_hosts())
    with pytest.raises(HostNotAllowed):
        session.get("https://evil.example.org/x")


def test_retry_transient_raises_other_failures_at_once():
    calls: list[int] = []

    def fails():
        calls.append(1)
        raise ValueError("permanent")

    with pytest.raises(ValueError):
        retry_transient(fails, is_transient=lambda e: isinstance(e, KeyError), attempts=5, base_delay=0, max_delay=0)
    assert calls == [1]


def test_backoff_is_capped_and_jittered():
    waits = {backoff_delay(10, base=0.5, cap=3.0) for _ in range(50)}
    assert all(1.5 <= w <= 3.0 for w in waits) and len(waits) > 1
    assert backoff_delay(1, base=0, cap=5) == 0.0


class _socket_nobody_listens_on:
    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


def test_requests_exceptions_stay_requests_exceptions():
    assert issubclass(HostNotAllowed, requests.RequestException)
