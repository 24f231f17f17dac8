from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class StaffRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    RELATIONSHIP_MANAGER = "rm", "Relationship manager"
    OPERATIONS = "operations", "Operations"
    READ_ONLY = "read_only", "Read-only"


class StaffMember(TimeStampedModel):
    """A distributor's staff member: a user of the tenant schema with a role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    euin = models.CharField(max_length=20, blank=True, help_text="Employee unique id (relationship managers)")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
