"""Onboarding and lifecycle of distributors. Every function validates everything first and writes in
one transaction: a failure leaves no schema, domain, branding or user behind."""

import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context

from apps.accounts.models import StaffRole
from apps.accounts.selectors import staff_totp_enabled
from apps.accounts.services import staff_create
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from tenants.colours import MIN_TEXT_CONTRAST, WHITE, contrast_ratio
from tenants.logos import BrandingError, logo_prepare
from tenants.models import ARN_RE, Branding, Distributor, Domain, Plan
from tenants.schema_template import template_schema_ensure
from tenants.selectors import distributor_base_url, distributor_get
from tenants.validators import colour_clean

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
    try:
        return colour_clean(value, label=label)
    except ValidationError as exc:
        raise OnboardingError(exc.messages[0]) from None


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


def _set_status(*, schema_name: str, status: str, actor, reason: str = "") -> Distributor:
    if schema_name == get_public_schema_name():
        raise OnboardingError("The platform's own schema cannot be suspended or activated.")
    with transaction.atomic():
        distributor = Distributor.objects.select_for_update().get(pk=distributor_get(schema_name=schema_name).pk)
        if distributor.status == status:
            return distributor
        distributor.status = status
        suspended = status == Distributor.Status.SUSPENDED
        distributor.suspended_at = timezone.now() if suspended else None
        distributor.suspension_reason = reason if suspended else ""
        distributor.save(update_fields=["status", "suspended_at", "suspension_reason", "updated_at"])
        extra = {"reason": reason} if reason else None
        audit_record(action=f"distributor.{status}", actor=actor, target=distributor, extra=extra)
    return distributor


SUSPENSION_REASON_MAX = 500


def distributor_suspend(*, schema_name: str, actor=None, reason: str = "") -> Distributor:
    """Suspends a distributor (its hosts answer 503); the reason is stored on it and in the audit row."""
    reason = " ".join((reason or "").split())
    if len(reason) > SUSPENSION_REASON_MAX:
        raise OnboardingError(f"Keep the reason under {SUSPENSION_REASON_MAX} characters.")
    return _set_status(schema_name=schema_name, status=Distributor.Status.SUSPENDED, actor=actor, reason=reason)


def distributor_activate(*, schema_name: str, actor=None) -> Distributor:
    return _set_status(schema_name=schema_name, status=Distributor.Status.ACTIVE, actor=actor)


def distributor_staff_totp_require(*, distributor: Distributor, required: bool, actor) -> Distributor:
    """Turns the rule "every staff member signs in with an authenticator" on or off for a distributor.
    Whoever turns it on must use one already (a rule its author could not follow is a mistake)."""
    if required and not staff_totp_enabled(user=actor):
        raise ApplicationError("Set up two-step sign-in for yourself before requiring it of everyone.")
    with transaction.atomic():
        distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
        if distributor.staff_totp_required == required:
            return distributor
        distributor.staff_totp_required = required
        distributor.save(update_fields=["staff_totp_required", "updated_at"])
        audit_record(
            action="distributor.staff_totp_required" if required else "distributor.staff_totp_optional",
            actor=actor,
            target=distributor,
        )
    return distributor


# --- Branding ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BrandValues:
    display_name: str
    primary: str
    accent: str
    support_email: str
    support_phone: str


def _brand_colour(label: str, value: str) -> str:
    try:
        return colour_clean(value, label=label)
    except ValidationError as exc:
        raise BrandingError(exc.messages[0]) from None


def _brand_values_clean(
    *, display_name: str, primary_color: str, accent_color: str, support_email: str, support_phone: str
) -> _BrandValues:
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 100:
        raise BrandingError("The display name is required (at most 100 characters).")
    primary = _brand_colour("primary", primary_color)
    accent = _brand_colour("accent", accent_color)
    if primary == accent:
        raise BrandingError("The primary and accent colours must differ.")
    if contrast_ratio(primary, WHITE) < MIN_TEXT_CONTRAST:
        raise BrandingError(
            f"White text on the primary colour {primary} has a contrast of "
            f"{contrast_ratio(primary, WHITE):.1f}:1; pick a darker colour (at least {MIN_TEXT_CONTRAST}:1)."
        )
    support_email = (support_email or "").strip().lower()
    if support_email:
        try:
            validate_email(support_email)
        except ValidationError:
            raise BrandingError("The support e-mail address is not valid.") from None
    support_phone = (support_phone or "").strip()
    if len(support_phone) > 20:
        raise BrandingError("The support phone number is too long.")
    return _BrandValues(display_name, primary, accent, support_email, support_phone)


def _branding_write(
    *,
    distributor: Distributor,
    actor,
    values: _BrandValues,
    logo: bytes | None,
    extension: str | None,
    remove_logo: bool,
    stored: list[str],
) -> Branding:
    """The locked row updated and audited; a newly stored logo file's name goes into `stored` at once, so
    the caller can remove it if the transaction fails."""
    branding = Branding.objects.select_for_update().get(distributor=distributor)
    old_logo_name = branding.logo.name if branding.logo else ""
    branding.display_name = values.display_name
    branding.primary_color = values.primary
    branding.accent_color = values.accent
    branding.support_email = values.support_email
    branding.support_phone = values.support_phone
    fields = ["display_name", "primary_color", "accent_color", "support_email", "support_phone", "updated_at"]
    if logo is not None:
        # each distributor's files under its own prefix: <schema>/branding/<random>.<ext>
        name = f"{distributor.schema_name}/branding/{secrets.token_hex(8)}.{extension}"
        branding.logo.name = branding.logo.storage.save(name, ContentFile(logo))
        stored.append(branding.logo.name)
        fields.append("logo")
    elif remove_logo and old_logo_name:
        branding.logo = ""
        fields.append("logo")
    branding.save(update_fields=fields)
    audit_record(
        action="branding.updated",
        actor=actor,
        target=branding,
        extra={
            "primary": values.primary,
            "accent": values.accent,
            "logo": "new" if logo is not None else ("removed" if remove_logo else "kept"),
        },
    )
    if old_logo_name and "logo" in fields:
        storage = branding.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo_name))
    return branding


def branding_check(
    *,
    display_name: str,
    primary_color: str,
    accent_color: str,
    support_email: str = "",
    support_phone: str = "",
    logo: bytes | None = None,
) -> None:
    """The checks `branding_update` makes, for forms that show errors before saving (BrandingError;
    LogoError when the logo is what is wrong)."""
    _brand_values_clean(
        display_name=display_name,
        primary_color=primary_color,
        accent_color=accent_color,
        support_email=support_email,
        support_phone=support_phone,
    )
    if logo is not None:
        logo_prepare(data=logo, max_bytes=settings.PORTAL_LOGO_MAX_BYTES)


def branding_update(
    *,
    distributor: Distributor,
    actor=None,
    display_name: str,
    primary_color: str,
    accent_color: str,
    support_email: str = "",
    support_phone: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Updates the distributor's brand (public schema). Everything is checked before anything is
    written; the old logo file is removed only after the new brand is committed."""
    values = _brand_values_clean(
        display_name=display_name,
        primary_color=primary_color,
        accent_color=accent_color,
        support_email=support_email,
        support_phone=support_phone,
    )
    extension = None
    if logo is not None:
        logo, extension = logo_prepare(data=logo, max_bytes=settings.PORTAL_LOGO_MAX_BYTES)
    stored: list[str] = []
    try:
        with transaction.atomic():
            branding = _branding_write(
                distributor=distributor,
                actor=actor,
                values=values,
                logo=logo,
                extension=extension,
                remove_logo=remove_logo,
                stored=stored,
            )
    except Exception:
        for name in stored:  # the row kept its old logo: do not leave the new file behind
            Branding._meta.get_field("logo").storage.delete(name)
        raise
    return branding
