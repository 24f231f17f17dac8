"""URLs that every host serves, public and tenant alike."""

from django.urls import path

from apps.core.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
