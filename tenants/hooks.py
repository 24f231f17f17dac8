"""Other apps add per-tenant set-up that must happen when a distributor is created (for instance the
mobile-app OAuth client). Each hook runs inside the creating transaction, in the new tenant's schema."""

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string


def run_distributor_created_hooks(distributor) -> dict:
    """Runs each hook in DISTRIBUTOR_CREATED_HOOKS; a hook may return a dict of facts to report."""
    extras: dict = {}
    for path in getattr(settings, "DISTRIBUTOR_CREATED_HOOKS", []):
        hook: Callable = import_string(path)
        extras.update(hook(distributor) or {})
    return extras
