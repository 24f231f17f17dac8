"""Portal state of staff members that identity does not keep: the optional TOTP second factor."""

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class StaffTotpDevice(TimeStampedModel):
    """A staff member's authenticator app. The shared secret is stored encrypted (apps.portal.crypto);
    the device counts only once confirmed with a first code. `last_step` stops a code being replayed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=-1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "staff TOTP device"

    def __str__(self) -> str:
        return f"TOTP for {self.user} ({'on' if self.confirmed_at else 'pending'})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
