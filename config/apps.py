"""The platform admin's app configuration: Django's admin with the platform's own site (config/admin_site.py)
as `admin.site`, so every ModelAdmin registered with @admin.register lands on the site with a second factor."""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "config.admin_site.PlatformAdminSite"
