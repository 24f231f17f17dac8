"""URLs of apps.sandbox, mounted by config/urls_tenants.py (or urls_public.py for the sandbox)."""

from django.urls import include, path

urlpatterns: list = [
    path("kra/", include("apps.sandbox.kra.urls")),
]
