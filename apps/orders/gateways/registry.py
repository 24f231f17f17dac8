"""Gateway name -> implementation (settings.ORDER_GATEWAYS[name]["BACKEND"]), configured for the current
distributor: the gateway is built with that distributor's own exchange identity (member / entity id,
user, password, ARN; apps/orders/gateways/identity.py), and with none it is not built at all."""

from django.conf import settings
from django.utils.module_loading import import_string

from apps.orders.gateways.identity import exchange_identity_get
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
    return backend(identity=exchange_identity_get(gateway=name, routing=routing), config=conf)
