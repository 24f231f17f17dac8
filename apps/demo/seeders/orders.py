"""Demo data for orders (runs after the funds and accounts seeders; tolerant when they are absent):
each distributor's own exchange identity at the sandbox (BSE member code, user id and password; MFU
entity id and credentials), and a BSE scheme code for every demo scheme that has none, so that the
sandbox exchange accepts orders in them."""

from django.conf import settings
from django.db import transaction
from django_tenants.utils import tenant_context

from apps.funds.models import Scheme, SchemeCode
from apps.orders.models import GatewayRouting
from apps.orders.services.exchange_identity import exchange_identity_set
from tenants.models import Distributor

MEMBER_IDS = {"alpha": "10234", "beta": "20468"}
ENTITY_IDS = {"alpha": "MFD0001", "beta": "MFD0002"}


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
    identities_seed(log=log)


def identities_seed(*, log=lambda line: None) -> None:
    """Each demo distributor's own identity at the sandbox, unless it has one already."""
    for distributor in Distributor.objects.distributors().filter(schema_name__in=list(MEMBER_IDS)):
        if not distributor.arn:
            continue
        with tenant_context(distributor):
            routing, _ = GatewayRouting.objects.get_or_create(
                singleton=True, defaults={"default_gateway": settings.ORDER_GATEWAY_DEFAULT}
            )
            member_id = MEMBER_IDS[distributor.schema_name]
            if not routing.bse_password_encrypted:
                exchange_identity_set(
                    gateway="bse_starmf", account_id=member_id, login_id=f"{member_id}01",
                    password=settings.SANDBOX_BSE_PASSWORD, actor_label="demo",
                )  # fmt: skip
                log(f"orders: {distributor.schema_name} trades as BSE member {member_id} at the sandbox")
            if not routing.mfu_password_encrypted:
                exchange_identity_set(
                    gateway="mfu", account_id=ENTITY_IDS[distributor.schema_name], login_id="mfd-api",
                    password=settings.SANDBOX_MFU_PASSWORD, actor_label="demo",
                )  # fmt: skip
