"""What the OAuth server keeps beside django-oauth-toolkit's own tables (all in the tenant's schema)."""

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings

from apps.core.models import PublicIdModel, TimeStampedModel


class DeviceSession(PublicIdModel):
    """One signed-in device: a refresh-token family from the authorization that started it to its end.
    The investor sees these as "your devices" and can sign any of them out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions")
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="device_sessions"
    )
    token_family = models.UUIDField(unique=True)
    device_name = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    last_used_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="Absolute end of this sign-in, however active the device is.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-last_used_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="oauth_devicesession_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_name or 'device'} of {self.user}"


class AuthorizationCodeUse(TimeStampedModel):
    """The first exchange of an authorization code claims it (a unique row); a second exchange finds
    the claim, is refused and revokes what the first one issued (RFC 6749 section 4.1.2)."""

    application = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+")
    code_checksum = models.CharField(max_length=64, unique=True)
    token_family = models.UUIDField(null=True, blank=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code use #{self.pk}"
