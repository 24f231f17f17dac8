import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

from apps.core.models import TimeStampedModel
from tenants.validators import colour_validator

ARN_RE = re.compile(r"^ARN-\d{1,10}$")
arn_validator = RegexValidator(ARN_RE, "ARN must look like ARN-12345.")


class Plan(TimeStampedModel):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    max_investors = models.PositiveIntegerField(null=True, blank=True, help_text="Empty means no limit")
    features = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DistributorQuerySet(models.QuerySet):
    def distributors(self):
        """Every tenant but the platform's own public one."""
        from django_tenants.utils import get_public_schema_name

        return self.exclude(schema_name=get_public_schema_name())

    def active(self):
        return self.distributors().filter(status=Distributor.Status.ACTIVE)


class Distributor(TenantMixin, TimeStampedModel):
    """A mutual-fund distributor (MFD / IFA firm): one tenant, one Postgres schema."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    arn = models.CharField("ARN", max_length=20, blank=True, validators=[arn_validator])
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True, help_text="why platform staff suspended it")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="distributors")
    # When on, staff without an authenticator are sent to set one up right after their password and reach
    # nothing else (portal pages, staff API) until they have (apps.accounts.staff_sessions).
    staff_totp_required = models.BooleanField(
        "require two-step sign-in for staff",
        default=False,
        help_text="Every staff member must use an authenticator app to sign in to the portal.",
    )

    auto_create_schema = True
    auto_drop_schema = False

    objects = DistributorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["arn"], condition=~models.Q(arn=""), name="tenants_distributor_arn_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended"]), name="tenants_distributor_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Takes a ready spare schema, else clones the template. django-tenants would then run
        `migrate_schemas --fake` on the new schema; that is redundant here (a clone carries the template's
        migration history, contenttypes and permissions, and onboarding brings the template up to date
        first) and costs about a third of a clone, so it is skipped. Without a template it falls back to
        migrating the new schema."""
        base_schema = self.get_base_schema()
        if not (sync_schema and base_schema and schema_exists(base_schema)):
            return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)
        from tenants.schema_clone import schema_clone
        from tenants.schema_template import spare_schema_claim

        _check_schema_name(self.schema_name)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        if not spare_schema_claim(schema_name=self.schema_name):
            schema_clone(template=base_schema, schema_name=self.schema_name)
        connection.set_schema_to_public()
        return True

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Branding(TimeStampedModel):
    """What the distributor's investors see: published to the mobile app and applied to every page."""

    distributor = models.OneToOneField(Distributor, on_delete=models.CASCADE, related_name="branding")
    display_name = models.CharField(max_length=100)
    logo = models.FileField(upload_to="branding/", blank=True)
    primary_color = models.CharField(max_length=7, default="#1F4E79", validators=[colour_validator])
    accent_color = models.CharField(max_length=7, default="#F2A900", validators=[colour_validator])
    support_email = models.EmailField(blank=True)
    support_phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(primary_color__regex=r"^#[0-9A-Fa-f]{6}$"), name="tenants_branding_primary_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(accent_color__regex=r"^#[0-9A-Fa-f]{6}$"), name="tenants_branding_accent_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if self.primary_color.lower() == self.accent_color.lower():
            raise ValidationError("Primary and accent colours must differ.")
