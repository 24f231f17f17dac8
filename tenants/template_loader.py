"""Compiled templates, cached once for every distributor.

Django's cached loader is what keeps a page from parsing its templates on every request. django-tenants'
own cached loader keys every template by the tenant's schema, so each web process would compile and keep
a copy of every template for each distributor it serves: memory that grows with the number of
distributors. Here a template is cached per distributor only when that distributor has a template
directory of its own (MULTITENANT_TEMPLATE_DIRS, e.g. tenants/<schema>/templates): those are few, and
every other distributor shares one compiled copy."""

import os

from django.conf import settings
from django.db import connection
from django.template.loaders.cached import Loader as CachedLoader
from django_tenants.utils import parse_tenant_config_path


def tenant_has_own_templates() -> bool:
    """Whether the connection's distributor has a template directory (a stat per configured path)."""
    if getattr(connection, "tenant", None) is None:
        return False
    return any(os.path.isdir(parse_tenant_config_path(path)) for path in settings.MULTITENANT_TEMPLATE_DIRS)


class Loader(CachedLoader):
    def cache_key(self, template_name, skip=None):
        key = super().cache_key(template_name, skip)
        return f"{connection.schema_name}-{key}" if tenant_has_own_templates() else key
