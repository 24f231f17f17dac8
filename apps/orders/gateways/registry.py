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


def gateway_get(name: str, *, routing: GatewayRouting | None = None) -> TransactionGateway:
    conf = settings.ORDER_GATEWAYS.get(name)
    if conf is None:
        raise KeyError(f"Unknown gateway {name!r}.")
    routing = routing or routing_get()
    backend = import_string(conf["BACKEND"])
    if name == "bse_starmf":
        return backend(member_id=routing.bse_member_id, user_id=routing.bse_user_id, config=conf)
    if name == "mfu":
        return backend(entity_id=routing.mfu_entity_id, config=conf)
    return backend(config=conf)
