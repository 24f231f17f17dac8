"""Reads: the investor's inbox (newest first, or changed since a moment for delta sync) and its version."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet

from apps.accounts.models import Investor
from apps.notifications.models import ChannelPreference, Notification


def notification_list(*, investor: Investor, updated_since: datetime | None = None) -> QuerySet[Notification]:
    qs = Notification.objects.filter(investor=investor)
    if updated_since is not None:
        qs = qs.filter(updated_at__gt=updated_since).order_by("updated_at", "id")
    return qs


def notification_unread_count(*, investor: Investor) -> int:
    return Notification.objects.filter(investor=investor, read_at__isnull=True).count()


def inbox_version(*, investor: Investor, extra: str = "") -> str:
    """Changes whenever a notification is added or read: the list's ETag."""
    summary = Notification.objects.filter(investor=investor).aggregate(
        n=Count("id"), last=Max("updated_at"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    raw = f"{investor.pk}:{summary['n']}:{summary['unread']}:{summary['last']}:{extra}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def channel_preference_get(*, investor: Investor) -> ChannelPreference:
    return ChannelPreference.objects.filter(investor=investor).first() or ChannelPreference(investor=investor)
