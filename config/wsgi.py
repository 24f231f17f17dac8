import os

from django.core.wsgi import get_wsgi_application

# production unless told otherwise: a server started without DJANGO_SETTINGS_MODULE fails closed
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()


def _urlconfs_load() -> None:
    """Imports both URLconfs, and with them every view module, and compiles their patterns now rather than
    on each worker's first request (about half a second): with gunicorn's preload_app the workers are
    forked with them, so a new or replaced worker answers its first request as fast as the others. Nothing
    here touches the database."""
    from django.conf import settings
    from django.urls import get_resolver

    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).reverse_dict  # noqa: B018 - populates the resolver


_urlconfs_load()
