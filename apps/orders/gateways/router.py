"""Which gateway an operation goes to: the distributor's primary for that operation, or the other one
while the primary's circuit is open. An order (or SIP) whose outcome at a gateway may exist there is
pinned to it: its next step is a status query at that gateway, never a submission elsewhere."""

from dataclasses import dataclass

from apps.orders.gateways import circuit
from apps.orders.gateways.interface import CircuitOpen
from apps.orders.gateways.registry import gateway_names, gateway_supports, routing_get
from tenants.flags import gateway_is_enabled


@dataclass(frozen=True)
class Route:
    gateway: str
    fallback: bool = False


def primary_for(operation: str) -> str:
    routing = routing_get()
    return routing.primary.get(operation) or routing.default_gateway


def enabled_gateways() -> list[str]:
    """Gateways this distributor may use (MF Utilities is a per-distributor feature flag)."""
    return [name for name in gateway_names() if gateway_is_enabled(name)]


def _primary_enabled(operation: str, *, routing, enabled: list[str]) -> str | None:
    primary = routing.primary.get(operation) or routing.default_gateway
    if primary in enabled and gateway_supports(primary, operation):
        return primary
    return next((name for name in enabled if gateway_supports(name, operation)), None)


def gateways_for(operations) -> dict[str, str | None]:
    """operation -> the gateway it goes to when every circuit is closed (None: no enabled gateway offers it)."""
    routing, enabled = routing_get(), enabled_gateways()
    return {operation: _primary_enabled(operation, routing=routing, enabled=enabled) for operation in operations}


def route_for(operation: str, *, pinned: str = "") -> Route:
    """The gateway to use now. Raises CircuitOpen when none is usable."""
    if pinned:
        if circuit.is_open(pinned):
            raise CircuitOpen(f"{pinned} is unavailable and this request is pinned to it.", code="circuit_open")
        return Route(gateway=pinned)
    routing = routing_get()
    enabled = enabled_gateways()
    primary = _primary_enabled(operation, routing=routing, enabled=enabled)
    if primary is None:
        raise StopIteration(f"No enabled gateway offers {operation}.")
    if not circuit.is_open(primary):
        return Route(gateway=primary)
    if routing.fallback_enabled:
        for other in enabled:
            if other != primary and gateway_supports(other, operation) and not circuit.is_open(other):
                return Route(gateway=other, fallback=True)
    raise CircuitOpen(f"{primary} is unavailable and no fallback is open.", code="circuit_open")
