"""The web server's responses leave a web process whole or not at all.

gunicorn writes a response's status line and headers in one send and its body in another. A web process
that dies between the two (a crash, an out-of-memory kill) leaves nginx holding headers it has already
passed on to the client: the client gets an answer cut short, and nginx can no longer retry the request on
the other web process. This response holds the head back and sends it with the first body bytes, which for
a Django response is the whole body (one piece), so a dead process leaves either nothing on the wire
(nginx retries an idempotent request elsewhere) or the complete response. Files sent with sendfile() and
streamed bodies still go out piece by piece after their head.

Installed in each web worker by deploy/gunicorn.conf.py (`post_fork`); needs no Django settings."""

from gunicorn.http import wsgi


class WholeResponse(wsgi.Response):
    _head = b""
    _head_direct = False

    def send_headers(self):
        if self.headers_sent:
            return
        if self._head_direct:
            super().send_headers()
            return
        lines = self.default_headers()
        lines.extend(f"{name}: {value}\r\n" for name, value in self.headers)
        self._head = ("".join(lines) + "\r\n").encode("latin-1")
        self.headers_sent = True

    def _emit_body(self, data: bytes) -> None:
        if self.chunked:
            data = b"%X\r\n%s\r\n" % (len(data), data)
        self._send(data)

    def close(self):
        if not self.headers_sent:
            self.send_headers()
        self._send(b"0\r\n\r\n" if self.chunked else b"")

    def sendfile(self, respiter):
        # the kernel sends the file straight from disk, after a head written the usual way
        self._head_direct = True
        try:
            return super().sendfile(respiter)
        finally:
            self._head_direct = False

    def _send(self, data: bytes) -> None:
        head, self._head = self._head, b""
        if head or data:
            self.sock.sendall(head + data)


def whole_responses_install() -> None:
    """Makes gunicorn build every HTTP/1 response of this process as a WholeResponse."""
    wsgi.Response = WholeResponse
