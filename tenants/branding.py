"""The brand of the host a request came to, as one plain value that templates and the API share."""

from dataclasses import asdict, dataclass

from django_tenants.utils import get_public_schema_name

from tenants.models import Branding


@dataclass(frozen=True)
class Brand:
    display_name: str
    primary_color: str
    accent_color: str
    logo_url: str | None
    support_email: str
    support_phone: str

    def as_dict(self) -> dict:
        return asdict(self)


PLATFORM_BRAND = Brand(
    display_name="Distributor Platform",
    primary_color="#263238",
    accent_color="#26A69A",
    logo_url=None,
    support_email="",
    support_phone="",
)


def brand_for_distributor(distributor) -> Brand:
    try:
        branding = distributor.branding
    except Branding.DoesNotExist:
        return PLATFORM_BRAND
    return Brand(
        display_name=branding.display_name,
        primary_color=branding.primary_color,
        accent_color=branding.accent_color,
        logo_url=branding.logo.url if branding.logo else None,
        support_email=branding.support_email,
        support_phone=branding.support_phone,
    )


def branding_for_request(request) -> Brand:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return PLATFORM_BRAND
    cached = getattr(request, "_brand", None)
    if cached is None:
        cached = request._brand = brand_for_distributor(tenant)
    return cached
