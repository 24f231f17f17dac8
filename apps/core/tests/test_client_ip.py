"""The client's address behind 0, 1 or 2 trusted proxies; spoofed or malformed forwarded values."""

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory

from apps.core.client_ip import client_ip, client_ip_from_meta


def _request(remote="10.0.0.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        # the client wrote the first entry itself; the one trusted proxy appended the real address
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        # fewer entries than proxies: the leftmost one there is
        (2, "203.0.113.7", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_proxys_entry_is_the_client(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded=forwarded)) == expected


def test_a_malformed_or_missing_forwarded_value_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="not-an-ip")) == "10.0.0.9"
    assert client_ip(_request()) == "10.0.0.9"
    assert client_ip_from_meta({}) == ""


def test_deploy_check_warns_behind_a_tls_proxy_without_trusted_proxies(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert "core.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.TRUSTED_PROXY_COUNT = 1
    assert "core.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.TRUSTED_PROXY_COUNT = -1
    assert "core.E001" in {m.id for m in run_checks(include_deployment_checks=True)}
