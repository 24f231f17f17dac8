"""Demo data for orders (runs after the funds and accounts seeders; tolerant when they are absent):
each distributor's gateway routing, with its own BSE member id, and a BSE scheme code for every demo
scheme that has none, so that the sandbox exchange accepts orders in them."""

from django.db import transaction
from django_tenants.utils import tenant_context

from apps.funds.models import Scheme, SchemeCode
from apps.orders.models import GatewayRouting
from tenants.models import Distributor

MEMBER_IDS = {"alpha": "10234", "beta": "20468"}


@transaction.atomic
def seed(*, log) -> None:
    added = 0
    for scheme in Scheme.objects.exclude(codes__source=SchemeCode.Source.BSE).only("id", "amfi_code")[:500]:
        SchemeCode.objects.get_or_create(
            source=SchemeCode.Source.BSE, code=f"{scheme.amfi_code}-GR", defaults={"scheme": scheme}
        )
        added += 1
    if added:
        log(f"orders: gave {added} demo schemes a BSE scheme code")
    for distributor in Distributor.objects.distributors():
        with tenant_context(distributor):
            routing, created = GatewayRouting.objects.get_or_create(
                singleton=True, defaults={"bse_member_id": MEMBER_IDS.get(distributor.schema_name, "")}
            )
            if created:
                log(f"orders: routing for {distributor.schema_name} (BSE member {routing.bse_member_id or 'default'})")
