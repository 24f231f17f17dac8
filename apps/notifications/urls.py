"""URLs of apps.notifications, mounted under /api/v1/ by config/urls_tenants.py."""

from django.urls import path

from apps.notifications import apis

urlpatterns = [
    path("notifications", apis.NotificationListApi.as_view(), name="notifications"),
    path("notifications/read", apis.NotificationReadApi.as_view(), name="notifications-read"),
    path("notifications/preferences", apis.ChannelPreferenceApi.as_view(), name="notifications-preferences"),
    path("notifications/devices", apis.PushDeviceApi.as_view(), name="notifications-devices"),
    path("notifications/devices/<uuid:device_id>", apis.PushDeviceDetailApi.as_view(), name="notifications-device"),
]
