"""The platform's own host: platform admin and health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

# admin.site is config.admin_site.PlatformAdminSite (config/apps.py): password, authenticator code, lockout
urlpatterns = [
    path("", TemplateView.as_view(template_name="platform/home.html"), name="platform_home"),
    path("admin/", admin.site.urls),
]

if settings.SANDBOX_ENABLED:
    # Simulators of BSE StAR MF, MF Utilities and the KRA, for development, the demo and tests only.
    urlpatterns += [path("sandbox/", include("apps.sandbox.urls"))]
