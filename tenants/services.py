"""Onboarding and lifecycle of distributors. Every function validates everything first and writes in
one transaction: a failure leaves no schema, domain, branding or user behind."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context

from apps.accounts.models import StaffRole
from apps.accounts.services import staff_create
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from tenants.models import ARN_RE, COLOUR_RE, Branding, Distributor, Domain, Plan
from tenants.schema_template import template_schema_ensure
from tenants.selectors import distributor_base_url, distributor_get

SCHEMA_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
RESERVED_SCHEMA_NAMES = {"public", "information_schema", "postgres", "default", "template0", "template1"}


class OnboardingError(ApplicationError):
    code = "invalid_onboarding"


@dataclass(frozen=True)
class DistributorCreated:
    distributor: Distributor
    owner_email: str
    set_password_url: str
    # what per-tenant set-up hooks report (for instance the mobile app's OAuth client id)
    extras: dict = field(default_factory=dict)


def _reserved(schema_name: str) -> bool:
    return (
        schema_name in RESERVED_SCHEMA_NAMES
        or schema_name == settings.TENANT_BASE_SCHEMA
        or schema_name.startswith("tenant_")
        or schema_name.startswith("pg_")
    )


def _validate_schema_name(schema_name: str) -> None:
    if not SCHEMA_NAME_RE.match(schema_name):
        raise OnboardingError(
            f"Invalid schema name {schema_name!r}: use 2-30 lowercase letters, digits or _, starting with a letter."
        )
    if _reserved(schema_name):
        raise OnboardingError(f"Schema name {schema_name!r} is reserved.")
    if Distributor.objects.filter(schema_name=schema_name).exists() or schema_exists(schema_name):
        raise ConflictError(f"Schema {schema_name!r} already exists.")


def _validate_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    if not HOSTNAME_RE.match(domain):
        raise OnboardingError(f"Invalid domain {domain!r}: give a host name without scheme, port or path.")
    if Domain.objects.filter(domain=domain).exists():
        raise ConflictError(f"Domain {domain!r} is already in use.")
    return domain


def _validate_colour(label: str, value: str) -> str:
    if not COLOUR_RE.match(value or ""):
        raise OnboardingError(f"Invalid {label} colour {value!r}: use #RRGGBB.")
    return value.upper()


def _validate_arn(arn: str) -> str:
    arn = arn.strip().upper()
    if not ARN_RE.match(arn):
        raise OnboardingError(f"Invalid ARN {arn!r}: use ARN-<digits>, e.g. ARN-12345.")
    if Distributor.objects.filter(arn=arn).exists():
        raise ConflictError(f"ARN {arn} already belongs to another distributor.")
    return arn


def _validate_email(label: str, value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise OnboardingError(f"Invalid {label} {value!r}.") from None
    return value.strip().lower()


def set_password_url(*, distributor: Distributor, user) -> str:
    """A one-time link: the token stops working once the password is set (it is bound to the hash)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with tenant_context(distributor):
        path = reverse("set_password", kwargs={"uidb64": uid, "token": token})
    return distributor_base_url(distributor=distributor) + path


def distributor_create(
    *,
    schema_name: str,
    display_name: str,
    domains: list[str],
    arn: str,
    admin_email: str,
    primary_color: str = "#1F4E79",
    accent_color: str = "#F2A900",
    legal_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    plan_code: str | None = None,
    admin_password: str | None = None,
    actor=None,
) -> DistributorCreated:
    # validate everything before writing anything
    schema_name = (schema_name or "").strip()
    _validate_schema_name(schema_name)
    if not display_name or not display_name.strip():
        raise OnboardingError("A display name is required.")
    if not domains:
        raise OnboardingError("At least one domain is required.")
    clean_domains = [_validate_domain(d) for d in domains]
    if len(set(clean_domains)) != len(clean_domains):
        raise OnboardingError("The same domain was given twice.")
    arn = _validate_arn(arn)
    primary_color = _validate_colour("primary", primary_color)
    accent_color = _validate_colour("accent", accent_color)
    if primary_color == accent_color:
        raise OnboardingError("Primary and accent colours must differ.")
    admin_email = _validate_email("admin e-mail", admin_email)
    if contact_email:
        contact_email = _validate_email("contact e-mail", contact_email)
    plan = None
    if plan_code:
        plan = Plan.objects.filter(code=plan_code).first()
        if plan is None:
            raise OnboardingError(f"Unknown plan {plan_code!r}.")

    template_schema_ensure()

    with transaction.atomic():
        distributor = Distributor(
            schema_name=schema_name,
            name=display_name.strip(),
            legal_name=legal_name.strip(),
            arn=arn,
            contact_email=contact_email or admin_email,
            contact_phone=contact_phone,
            plan=plan,
        )
        distributor.save(verbosity=0)  # clones the template schema
        for index, domain in enumerate(clean_domains):
            Domain.objects.create(domain=domain, tenant=distributor, is_primary=index == 0)
        Branding.objects.create(
            distributor=distributor,
            display_name=display_name.strip(),
            primary_color=primary_color,
            accent_color=accent_color,
            support_email=contact_email or admin_email,
            support_phone=contact_phone,
        )
        with tenant_context(distributor):
            owner = staff_create(email=admin_email, role=StaffRole.OWNER, password=admin_password, actor=actor).user
            from tenants.hooks import run_distributor_created_hooks

            extras = run_distributor_created_hooks(distributor)
        audit_record(
            action="distributor.created",
            actor=actor,
            target=distributor,
            extra={"schema": schema_name, "domains": clean_domains},
        )
        link = set_password_url(distributor=distributor, user=owner)
        transaction.on_commit(_spare_schemas_replenish_later)
    return DistributorCreated(distributor=distributor, owner_email=admin_email, set_password_url=link, extras=extras)


def _spare_schemas_replenish_later() -> None:
    from tenants.tasks import spare_schemas_replenish_task

    spare_schemas_replenish_task.delay()


@transaction.atomic
def domain_add(*, schema_name: str, domain: str, primary: bool = False, actor=None) -> Domain:
    distributor = distributor_get(schema_name=schema_name)
    domain = _validate_domain(domain)
    if primary:
        distributor.domains.filter(is_primary=True).update(is_primary=False)
    created = Domain.objects.create(
        domain=domain, tenant=distributor, is_primary=primary or not distributor.domains.exists()
    )
    audit_record(action="domain.added", actor=actor, target=distributor, extra={"domain": domain})
    return created


def _set_status(*, schema_name: str, status: str, actor) -> Distributor:
    if schema_name == get_public_schema_name():
        raise OnboardingError("The platform's own schema cannot be suspended or activated.")
    with transaction.atomic():
        distributor = Distributor.objects.select_for_update().get(pk=distributor_get(schema_name=schema_name).pk)
        if distributor.status == status:
            return distributor
        distributor.status = status
        distributor.save(update_fields=["status", "updated_at"])
        audit_record(action=f"distributor.{status}", actor=actor, target=distributor)
    return distributor


def distributor_suspend(*, schema_name: str, actor=None) -> Distributor:
    return _set_status(schema_name=schema_name, status=Distributor.Status.SUSPENDED, actor=actor)


def distributor_activate(*, schema_name: str, actor=None) -> Distributor:
    return _set_status(schema_name=schema_name, status=Distributor.Status.ACTIVE, actor=actor)
