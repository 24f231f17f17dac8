"""Demo seeding is assembled from one module per app, listed in settings.DEMO_SEEDERS in the order they
run. Each module has `seed(*, log)` (idempotent: a second run changes nothing) and may have
`credentials(creds)`, which adds what a person needs to try the demo to the shared dict."""

from collections.abc import Callable
from importlib import import_module

from django.conf import settings


def seeders():
    return [import_module(path) for path in settings.DEMO_SEEDERS]


def seed_all(*, log: Callable[[str], None]) -> None:
    for module in seeders():
        module.seed(log=log)


def credentials_all() -> dict:
    creds: dict = {"platform": {}, "distributors": {}}
    for module in seeders():
        provider = getattr(module, "credentials", None)
        if provider is not None:
            provider(creds)
    return creds
