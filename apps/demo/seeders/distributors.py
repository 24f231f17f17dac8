"""The demo's tenants: the platform host on localhost and two distributors with different brands."""

from django.conf import settings
from django.db import transaction
from django_tenants.utils import get_public_schema_name

from apps.users.models import User
from tenants.models import Distributor, Domain, Plan
from tenants.selectors import distributor_base_url
from tenants.services import distributor_create

PLATFORM_ADMIN_EMAIL = "admin@platform.localhost"

DISTRIBUTORS = [
    {
        "schema_name": "alpha",
        "display_name": "Alpha Wealth",
        "legal_name": "Alpha Wealth Advisors LLP",
        "domains": ["alpha.localhost"],
        "arn": "ARN-100001",
        "primary_color": "#0B3D91",
        "accent_color": "#FF8C00",
        "admin_email": "owner@alpha.localhost",
        "contact_phone": "+912240000001",
    },
    {
        "schema_name": "beta",
        "display_name": "Beta Capital",
        "legal_name": "Beta Capital Distributors Pvt Ltd",
        "domains": ["beta.localhost"],
        "arn": "ARN-200002",
        "primary_color": "#1B5E20",
        "accent_color": "#8E24AA",
        "admin_email": "owner@beta.localhost",
        "contact_phone": "+918040000002",
    },
]


def _password(schema: str) -> str:
    return f"{settings.DEMO_PASSWORD}-{schema}"


@transaction.atomic
def _seed_public(log) -> None:
    public, created = Distributor.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"name": "Platform"}
    )
    Domain.objects.get_or_create(domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True})
    Plan.objects.get_or_create(code="standard", defaults={"name": "Standard"})
    if not User.objects.filter(email__iexact=PLATFORM_ADMIN_EMAIL).exists():
        User.objects.create_superuser(
            email=PLATFORM_ADMIN_EMAIL, password=_password("platform"), full_name="Platform Admin"
        )
        log(f"created platform admin {PLATFORM_ADMIN_EMAIL}")


def seed(*, log) -> None:
    _seed_public(log)
    for spec in DISTRIBUTORS:
        if Distributor.objects.filter(schema_name=spec["schema_name"]).exists():
            continue
        distributor_create(
            **spec, plan_code="standard", admin_password=_password(spec["schema_name"]), actor="demo seed"
        )
        log(f"created distributor {spec['display_name']} on {', '.join(spec['domains'])}")


def credentials(creds: dict) -> None:
    public = Distributor.objects.filter(schema_name=get_public_schema_name()).first()
    if public is not None:
        port = settings.TENANT_URL_PORT
        host = settings.PLATFORM_DOMAIN + (f":{port}" if port and port not in (80, 443) else "")
        creds["platform"] = {
            "url": f"{settings.TENANT_URL_SCHEME}://{host}/admin/",
            "email": PLATFORM_ADMIN_EMAIL,
            "password": _password("platform"),
        }
    for spec in DISTRIBUTORS:
        distributor = Distributor.objects.filter(schema_name=spec["schema_name"]).first()
        if distributor is None:
            continue
        creds["distributors"][distributor.schema_name] = {
            "name": distributor.name,
            "url": distributor_base_url(distributor=distributor),
            "staff": {"email": spec["admin_email"], "password": _password(spec["schema_name"]), "role": "owner"},
        }
