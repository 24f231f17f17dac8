"""HTTP for the gateways: the shared outbound session (apps.core.http: timeouts, only loopback and
ORDER_GATEWAY_ALLOWED_HOSTS, no proxies from the environment) and a zeep transport over it. zeep would
otherwise follow any schemaLocation or import in a WSDL out to the internet."""

from django.conf import settings
from zeep.transports import Transport

from apps.core import http
from apps.core.http import HostNotAllowed

__all__ = ["GuardedSession", "GuardedTransport", "HostNotAllowed", "host_allowed"]


def _gateway_hosts() -> list[str]:
    return list(settings.ORDER_GATEWAY_ALLOWED_HOSTS)


def host_allowed(url: str) -> bool:
    return http.host_allowed(url, allowed_hosts=_gateway_hosts())


class GuardedSession(http.GuardedSession):
    """A session that reaches only loopback and the configured gateway hosts."""

    def __init__(self, **kwargs):
        super().__init__(allowed_hosts=_gateway_hosts, **kwargs)


class GuardedTransport(Transport):
    """A zeep transport that reaches only loopback and configured hosts, with connect and read timeouts."""

    def __init__(self, *, timeout: float, connect_timeout: float = 3.0):
        super().__init__(
            session=GuardedSession(timeout=(connect_timeout, timeout)), timeout=timeout, operation_timeout=timeout
        )
        self.connect_timeout = connect_timeout

    def _load_remote_data(self, url):
        if not host_allowed(url):
            raise HostNotAllowed(f"Refusing to fetch {url}: not a configured gateway host.")
        return super()._load_remote_data(url)

    def post(self, address, message, headers):
        if not host_allowed(address):
            raise HostNotAllowed(f"Refusing to post to {address}: not a configured gateway host.")
        return self.session.post(
            address, data=message, headers=headers, timeout=(self.connect_timeout, self.operation_timeout)
        )
