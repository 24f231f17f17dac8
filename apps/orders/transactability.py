"""Whether a fund can be bought, SIPed, redeemed or switched through THIS distributor's gateways.

An operation is possible when the scheme master allows it for the scheme, the gateway the distributor's
routing sends that operation to offers it (gateways declare their operations: `supports`), and that gateway
has a code for the scheme (the scheme codes it trades under). The order rules (apps/orders/validation.py)
refuse by the same answer, and the fund API and pages show it, so nothing offered is refused later for the
fund itself. Registered as the funds app's resolver (apps/funds/operations.py) by OrdersConfig.ready()."""

from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import get_public_schema_name

from apps.funds.models import Scheme, SchemeCode
from apps.funds.operations import FundOperations
from apps.orders.gateways.interface import Operation
from apps.orders.gateways.registry import gateway_class
from apps.orders.gateways.router import gateways_for

# fund operation -> (gateway operation, the verb a refusal uses)
_OPERATIONS = {
    "purchase": (Operation.PURCHASE, "bought"),
    "sip": (Operation.SIP_REGISTER, "bought by SIP"),
    "redemption": (Operation.REDEMPTION, "redeemed"),
    "switch": (Operation.SWITCH, "switched"),
}


@dataclass(frozen=True)
class Refusal:
    code: str  # scheme_not_available | operation_not_allowed
    message: str


def _gateway_label(name: str | None) -> str:
    if name is None:
        return "this distributor's exchanges"
    return gateway_class(name).label or name


def _refusal(scheme: Scheme, operation: str, *, gateway: str | None, codes: set[str]) -> Refusal | None:
    gateway_operation, verb = _OPERATIONS[operation]
    where = _gateway_label(gateway)
    if gateway is None:
        return Refusal("operation_not_allowed", f"This fund cannot be {verb} through {where}.")
    if not getattr(scheme, f"{operation}_allowed"):
        return Refusal("operation_not_allowed", f"This fund cannot be {verb} through {where} now.")
    if not codes.intersection(gateway_class(gateway).scheme_code_sources):
        return Refusal("scheme_not_available", f"This fund cannot be {verb} through {where}: it is not listed there.")
    return None


def _on_tenant() -> bool:
    return connection.schema_name != get_public_schema_name()


def _gateways() -> dict[str, str | None]:
    """fund operation -> the gateway this distributor sends it to."""
    routes = gateways_for(gateway_op for gateway_op, _verb in _OPERATIONS.values())
    return {operation: routes[gateway_op] for operation, (gateway_op, _verb) in _OPERATIONS.items()}


def scheme_refusals(
    *, schemes: list[Scheme], gateways: dict[str, str | None] | None = None
) -> dict[int, dict[str, Refusal]]:
    """scheme id -> {operation: refusal} for each operation that cannot be done here."""
    gateways = gateways or _gateways()
    sources = {source for name in set(gateways.values()) - {None} for source in gateway_class(name).scheme_code_sources}
    codes: dict[int, set[str]] = {scheme.pk: set() for scheme in schemes}
    rows = SchemeCode.objects.filter(scheme_id__in=list(codes), source__in=sources).values_list("scheme_id", "source")
    for scheme_id, source in rows:
        codes[scheme_id].add(source)
    out: dict[int, dict[str, Refusal]] = {}
    for scheme in schemes:
        refusals = {}
        for operation in _OPERATIONS:
            refusal = _refusal(scheme, operation, gateway=gateways[operation], codes=codes[scheme.pk])
            if refusal is not None:
                refusals[operation] = refusal
        out[scheme.pk] = refusals
    return out


def scheme_refusal(*, scheme: Scheme, operation: str) -> Refusal | None:
    return scheme_refusals(schemes=[scheme])[scheme.pk].get(operation)


def fund_operations_here(schemes: list[Scheme]) -> dict[int, FundOperations]:
    """The funds app's resolver. Off a distributor's schema (platform admin, imports) no routing exists:
    the scheme master's flags answer."""
    if not _on_tenant():
        return {scheme.pk: FundOperations(scheme.purchase_allowed, scheme.sip_allowed, scheme.redemption_allowed,
                                          scheme.switch_allowed) for scheme in schemes}  # fmt: skip
    gateways = _gateways()
    sip_class = gateway_class(gateways["sip"]) if gateways["sip"] else None
    out = {}
    for scheme_id, refusals in scheme_refusals(schemes=schemes, gateways=gateways).items():
        sip_ok = "sip" not in refusals and sip_class is not None
        out[scheme_id] = FundOperations(
            purchase_allowed="purchase" not in refusals,
            sip_allowed=sip_ok,
            redemption_allowed="redemption" not in refusals,
            switch_allowed="switch" not in refusals,
            sip_frequencies=tuple(sip_class.sip_frequencies) if sip_ok else (),
            sip_days=tuple(sip_class.sip_days) if sip_ok else (),
            refusals={operation: refusal.message for operation, refusal in refusals.items()},
        )
    return out
