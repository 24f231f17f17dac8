"""Gateway name -> implementation (settings.ORDER_GATEWAYS[name]["BACKEND"]), configured for the current
distributor (its member / entity ids from GatewayRouting, secrets from the environment)."""

from django.conf import settings
from django.utils.module_loading import import_string

from apps.orders.gateways.interface import TransactionGateway
from apps.orders.models import GatewayRouting


def routing_get() -> GatewayRouting:
    """This distributor's routing row (made on first use)."""
    routing = GatewayRouting.objects.filter(singleton=True).first()
    if routing is None:
        routing, _ = GatewayRouting.objects.get_or_create(
            singleton=True, defaults={"default_gateway": settings.ORDER_GATEWAY_DEFAULT}
        )
    return routing


def gateway_names() -> list[str]:
    return list(settings.ORDER_GATEWAYS)


def gateway_class(name: str) -> type[TransactionGateway]:
    conf = settings.ORDER_GATEWAYS.get(name)
    if conf is None:
        raise KeyError(f"Unknown gateway {name!r}.")
    return import_string(conf["BACKEND"])


def gateway_supports(name: str, operation: str) -> bool:
    """Whether gateway `name` offers `operation`, as its class declares (no connection made)."""
    return gateway_class(name).supports(operation)


def operation_offered(operation: str) -> bool:
    """Whether any configured gateway offers `operation`."""
    return any(gateway_supports(name, operation) for name in gateway_names())


def scheme_code_sources() -> frozenset[str]:
    """Every scheme code source some configured gateway trades under."""
    return frozenset(source for name in gateway_names() for source in gateway_class(name).scheme_code_sources)


def gateway_get(name: str, *, routing: GatewayRouting | None = None) -> TransactionGateway:
    backend = gateway_class(name)
    conf = settings.ORDER_GATEWAYS[name]
    routing = routing or routing_get()
    if name == "bse_starmf":
        return backend(member_id=routing.bse_member_id, user_id=routing.bse_user_id, config=conf)
    if name == "mfu":
        return backend(entity_id=routing.mfu_entity_id, config=conf)
    return backend(config=conf)
