"""The investor API's OAuth part, mounted under /api/v1/ by config/urls_tenants.py: the devices (refresh-token
families) the investor is signed in on."""

from django.urls import path

from apps.oauth import apis

urlpatterns = [
    path("me/sessions", apis.DeviceSessionListApi.as_view(), name="me-sessions"),
    path("me/sessions/<uuid:session_id>", apis.DeviceSessionDetailApi.as_view(), name="me-session"),
]
