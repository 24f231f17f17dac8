"""A web process that dies mid-response leaves nothing or the whole response on the wire: gunicorn, as
configured in deploy/gunicorn.conf.py, sends the head of a response with its body, in one send."""

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi

from apps.core.web_response import WholeResponse

GUNICORN_CONF = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


class RecordingSocket:
    def __init__(self):
        self.sends: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.sends.append(bytes(data))


def _request(method="GET"):
    return SimpleNamespace(version=(1, 1), method=method, should_close=lambda: False)


def _respond(method, status, headers, body_pieces):
    sock = RecordingSocket()
    response = WholeResponse(_request(method), sock, Config())
    response.start_response(status, headers)
    for piece in body_pieces:
        response.write(piece)
    response.close()
    return sock.sends


def test_the_head_leaves_with_the_body_in_one_send():
    sends = _respond(
        "GET", "200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")], [b'{"ok":true}']
    )

    assert len(sends) == 1
    head, _, body = sends[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Content-Length: 11" in head
    assert body == b'{"ok":true}'


def test_a_streamed_body_sends_its_head_with_the_first_chunk_and_ends_the_chunks():
    sends = _respond("GET", "200 OK", [("Content-Type", "text/csv")], [b"a,b\r\n", b"1,2\r\n"])

    assert len(sends) == 3
    assert b"Transfer-Encoding: chunked" in sends[0] and sends[0].endswith(b"\r\n\r\n5\r\na,b\r\n\r\n")
    assert sends[1:] == [b"5\r\n1,2\r\n\r\n", b"0\r\n\r\n"]


@pytest.mark.parametrize(
    ("method", "status"), [("HEAD", "200 OK"), ("GET", "204 No Content"), ("GET", "304 Not Modified")]
)
def test_a_response_without_a_body_still_sends_its_head(method, status):
    sends = _respond(method, status, [("Content-Length", "0")] if method == "HEAD" else [], [b""])

    assert len(sends) == 1 and sends[0].startswith(f"HTTP/1.1 {status}\r\n".encode()) and sends[0].endswith(b"\r\n\r\n")


def test_gunicorn_loads_the_application_before_it_listens_and_its_workers_send_whole_responses(monkeypatch):
    monkeypatch.setattr(wsgi, "Response", wsgi.Response)  # put back after the test
    settings = runpy.run_path(str(GUNICORN_CONF))

    settings["post_fork"](None, None)

    assert settings["preload_app"] is True
    assert wsgi.Response is WholeResponse
