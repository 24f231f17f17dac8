"""Errors reach Sentry with PANs, e-mails, mobiles and tokens masked and the distributor as a tag. The
Sentry server here is a loopback HTTP server that keeps what the SDK sends."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django_tenants.utils import tenant_context

from apps.core.sentry import sentry_before_send, sentry_init


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK prefers brotli whenever the package is installed
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    sentry_sdk.init()  # no DSN: reporting off again for the rest of the run
    server.shutdown()
    server.server_close()


def test_an_error_is_reported_masked_with_its_tenant(sentry_server, tenant_alpha):
    # given Sentry configured against the loopback server
    port = sentry_server.server_address[1]
    sentry_init(dsn=f"http://publickey@127.0.0.1:{port}/7", environment="test", release="r1", traces_sample_rate=0)
    # when an error carrying personal data and a token happens in alpha's schema
    with tenant_context(tenant_alpha):
        password = "-".join(["hunter2", "kept", "out"])  # noqa: F841 (a local variable Sentry captures)
        try:
            raise ValueError(
                "KYC failed for ABCDE1234F (asha@example.com, +91 9876543210) with Bearer eyJhbGciOi.eyJzdWIi.c2ln"
            )
        except ValueError as exc:
            sentry_sdk.capture_exception(exc)
        sentry_sdk.flush(timeout=5)
    # then exactly what we allow reached the server
    payload = b"\n".join(_Collector.received).decode()
    assert "ValueError" in payload
    assert "XXXXX1234X" in payload and "ABCDE1234F" not in payload
    assert "asha@example.com" not in payload and "9876543210" not in payload
    assert "eyJhbGciOi" not in payload
    assert "hunter2-kept-out" not in payload
    events = [json.loads(line) for line in payload.splitlines() if line.startswith("{") and '"exception"' in line]
    assert events and events[0]["tags"]["tenant"] == "alpha"
    assert events[0]["environment"] == "test" and events[0]["release"] == "r1"


def test_before_send_drops_secrets_by_key_and_keeps_the_rest():
    event = {
        "request": {"headers": {"Authorization": "Bearer abc", "User-Agent": "app/1.0"}, "cookies": {"sessionid": "x"}},
        "extra": {"client_secret": "s", "otp": "123456", "mapping": "kept", "pan": "ABCDE1234F"},
    }
    scrubbed = sentry_before_send(event)
    assert scrubbed["request"]["headers"] == {"Authorization": "[Filtered]", "User-Agent": "app/1.0"}
    assert scrubbed["request"]["cookies"] == "[Filtered]"
    assert scrubbed["extra"] == {
        "client_secret": "[Filtered]",
        "otp": "[Filtered]",
        "mapping": "kept",
        "pan": "XXXXX1234X",
    }
