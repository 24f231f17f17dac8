"""HTTP for the gateways: timeouts always, and only to hosts we were told about. zeep would otherwise
follow any schemaLocation or import in a WSDL out to the internet."""

from urllib.parse import urlparse

import requests
from django.conf import settings
from zeep.transports import Transport

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def host_allowed(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return True
    host = (parsed.hostname or "").lower()
    if host in LOOPBACK or host.endswith(".localhost"):
        return True
    return host in {h.lower() for h in settings.ORDER_GATEWAY_ALLOWED_HOSTS}


class HostNotAllowed(requests.exceptions.InvalidURL):
    pass


class GuardedSession(requests.Session):
    def request(self, method, url, *args, **kwargs):
        if not host_allowed(url):
            raise HostNotAllowed(f"Refusing to reach {urlparse(url).hostname}: not a configured gateway host.")
        return super().request(method, url, *args, **kwargs)


class GuardedTransport(Transport):
    """A zeep transport that reaches only loopback and configured hosts, with connect and read timeouts."""

    def __init__(self, *, timeout: float, connect_timeout: float = 3.0):
        session = GuardedSession()
        session.trust_env = False  # no proxies from the environment
        super().__init__(session=session, timeout=timeout, operation_timeout=timeout)
        self.connect_timeout = connect_timeout

    def _load_remote_data(self, url):
        if not host_allowed(url):
            raise HostNotAllowed(f"Refusing to fetch {url}: not a configured gateway host.")
        return super()._load_remote_data(url)

    def post(self, address, message, headers):
        if not host_allowed(address):
            raise HostNotAllowed(f"Refusing to post to {address}: not a configured gateway host.")
        response = self.session.post(
            address, data=message, headers=headers, timeout=(self.connect_timeout, self.operation_timeout)
        )
        return response
