from django.conf import settings
from django.db.models import QuerySet

from apps.core.exceptions import NotFoundError
from tenants.models import Distributor


def distributor_list(*, status: str | None = None) -> QuerySet[Distributor]:
    qs = Distributor.objects.distributors().select_related("branding", "plan").prefetch_related("domains")
    return qs.filter(status=status) if status else qs


def distributor_list_active() -> QuerySet[Distributor]:
    return Distributor.objects.active().only("id", "schema_name", "status")


def distributor_get(*, schema_name: str) -> Distributor:
    try:
        return Distributor.objects.distributors().select_related("branding").get(schema_name=schema_name)
    except Distributor.DoesNotExist:
        raise NotFoundError(f"No distributor with schema {schema_name!r}.") from None


def distributor_base_url(*, distributor: Distributor) -> str:
    """The distributor's own URL on its primary domain (https in production, http and the dev port
    locally)."""
    domain = distributor.get_primary_domain() or distributor.domains.first()
    if domain is None:
        raise NotFoundError(f"Distributor {distributor.schema_name!r} has no domain.")
    port = settings.TENANT_URL_PORT
    default_port = {"http": 80, "https": 443}[settings.TENANT_URL_SCHEME]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{settings.TENANT_URL_SCHEME}://{domain.domain}{suffix}"
