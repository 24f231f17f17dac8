"""Notifications to investors (order events, SIP instalments, KYC changes): stored per investor for the
app's inbox (unread counts, delta sync), and delivered by e-mail, SMS and push as each investor prefers."""

from django.db import models
from django.db.models import Q

from apps.core.models import PublicIdModel, TimeStampedModel


class Event(models.TextChoices):
    ORDER_ACCEPTED = "order_accepted", "Order accepted"
    ORDER_PAYMENT_DUE = "order_payment_due", "Payment due"
    ORDER_ALLOTTED = "order_allotted", "Order allotted"
    ORDER_REJECTED = "order_rejected", "Order rejected"
    ORDER_FAILED = "order_failed", "Order failed"
    ORDER_REVERSED = "order_reversed", "Order reversed"
    SIP_INSTALMENT_PAID = "sip_instalment_paid", "SIP instalment paid"
    SIP_INSTALMENT_BOUNCED = "sip_instalment_bounced", "SIP instalment bounced"
    KYC_CHANGED = "kyc_changed", "KYC status changed"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    PUSH = "push", "Push"


class Notification(PublicIdModel):
    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="inbox")
    event = models.CharField(max_length=32, choices=Event.choices)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=1000)
    data = models.JSONField(default=dict, blank=True, help_text="ids the app needs to open the subject")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["investor", "updated_at"]),
            models.Index(fields=["investor"], condition=Q(read_at__isnull=True), name="notifications_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_ref = models.CharField(max_length=200, blank=True, help_text="the provider's message id")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notifications_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class ChannelPreference(TimeStampedModel):
    """Which channels an investor wants besides the in-app inbox (always on). None stored: all on."""

    investor = models.OneToOneField("accounts.Investor", on_delete=models.CASCADE, related_name="channel_preference")
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=True)
    push = models.BooleanField(default=True)

    class Meta:
        ordering = ["investor_id"]

    def __str__(self) -> str:
        return f"preferences of {self.investor_id}"


class PushDevice(PublicIdModel):
    """An installation of the distributor's app that receives push messages (its FCM registration token)."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="push_devices")
    token = models.CharField(max_length=500, unique=True)
    platform = models.CharField(max_length=10, choices=[("android", "Android"), ("ios", "iOS"), ("web", "Web")])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.platform} device of {self.investor_id}"
