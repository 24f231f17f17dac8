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


def route_for(operation: str, *, pinned: str = "") -> Route:
    """The gateway to use now. Raises CircuitOpen when none is usable."""
    if pinned:
        if circuit.is_open(pinned):
            raise CircuitOpen(f"{pinned} is unavailable and this request is pinned to it.", code="circuit_open")
        return Route(gateway=pinned)
    routing = routing_get()
    # gateways this distributor may use (MF Utilities is a per-distributor feature flag)
    enabled = [name for name in gateway_names() if gateway_is_enabled(name)]
    primary = routing.primary.get(operation) or routing.default_gateway
    if primary not in enabled or not gateway_supports(primary, operation):
        primary = next(name for name in enabled if gateway_supports(name, operation))
    if not circuit.is_open(primary):
        return Route(gateway=primary)
    if routing.fallback_enabled:
        for other in enabled:
            if other != primary and gateway_supports(other, operation) and not circuit.is_open(other):
                return Route(gateway=other, fallback=True)
    raise CircuitOpen(f"{primary} is unavailable and no fallback is open.", code="circuit_open")
