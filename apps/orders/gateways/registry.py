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


def gateway_get(name: str, *, routing: GatewayRouting | None = None) -> TransactionGateway:
    conf = settings.ORDER_GATEWAYS.get(name)
    if conf is None:
        raise KeyError(f"Unknown gateway {name!r}.")
    routing = routing or routing_get()
    backend = import_string(conf["BACKEND"])
    return backend(identity=exchange_identity_get(gateway=name, routing=routing), config=conf)
