"""The access log line gunicorn writes (deploy/gunicorn.conf.py's logger) carries no token or PAN."""

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from apps.core.access_log import ScrubbingAccessLogger

GUNICORN_CONF = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


def _access_line(tmp_path, raw_uri, *, referer="-"):
    """The line gunicorn's logger, configured as in production, writes for one request."""
    settings = runpy.run_path(str(GUNICORN_CONF))
    cfg = Config()
    cfg.set("logger_class", settings["logger_class"])
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = cfg.logger_class(cfg)
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": raw_uri, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": referer,
    }  # fmt: skip
    request = SimpleNamespace(headers=[("REFERER", referer)])
    logger.access(SimpleNamespace(status="200 OK", sent=10, headers=[]), request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    return (tmp_path / "access.log").read_text()


def test_production_uses_the_scrubbing_logger():
    assert runpy.run_path(str(GUNICORN_CONF))["logger_class"] == "apps.core.access_log.ScrubbingAccessLogger"
    cfg = Config()
    cfg.set("logger_class", "apps.core.access_log.ScrubbingAccessLogger")
    assert cfg.logger_class is ScrubbingAccessLogger


@pytest.mark.parametrize(
    ("raw_uri", "secret", "shown"),
    [
        (
            "/accounts/set-password/MTI/cx7abc-1f2e3d4c5b6a/",
            "cx7abc-1f2e3d4c5b6a",
            "/accounts/set-password/MTI/[redacted]/",
        ),
        ("/invite/eyJpbnYiOjF9:1tX9:AbCdEf/", "eyJpbnYiOjF9:1tX9:AbCdEf", "/invite/[redacted]/"),
        ("/web/invite/eyJpbnYiOjF9:1tX9:AbCdEf/", "eyJpbnYiOjF9:1tX9:AbCdEf", "/web/invite/[redacted]/"),
        (
            "/api/v1/invitations/eyJpbnYiOjF9:1tX9:AbCdEf/accept",
            "eyJpbnYiOjF9",
            "/api/v1/invitations/[redacted]/accept",
        ),
        ("/portal/investors/?q=abcde1234f&kyc=pending", "abcde1234f", "/portal/investors/?q=[redacted]&kyc=pending"),
        ("/portal/investors/?q=ABCDE1234F", "ABCDE", "/portal/investors/?q=[redacted]"),
        ("/portal/investors/?kyc=pending&page=2", None, "/portal/investors/?kyc=pending&page=2"),
    ],
)
def test_the_access_log_line_carries_no_token_or_pan(tmp_path, raw_uri, secret, shown):
    line = _access_line(tmp_path, raw_uri)
    assert f'"GET {shown} HTTP/1.1" 200' in line
    if secret:
        assert secret not in line


def test_the_referrer_is_scrubbed_too(tmp_path):
    # the page a set-password link opened sends its own URL as the referrer of its next request
    line = _access_line(tmp_path, "/static/app.css", referer="https://alpha.example.com/invite/eyJpbnYiOjF9:1tX9:AbCd/")
    assert "eyJpbnYiOjF9" not in line
    assert "https://alpha.example.com/invite/[redacted]/" in line
