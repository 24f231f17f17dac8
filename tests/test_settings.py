"""Production settings: they refuse to start without every secret and with any development-only choice
(one message naming each problem); with a complete environment they start, without the demo app or its
tooling, and setup_platform refuses --demo there. The servers (wsgi, asgi, Celery) default to them.
(ReportLab itself is a production dependency: PDF statements are rendered with it.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from scripts.devstack import production_like_secrets

ROOT = Path(settings.BASE_DIR)
PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.urls import get_resolver
from django.core.management import call_command, CommandError
import config.celery  # noqa: F401 - tasks are discovered as a worker would
get_resolver("config.urls_tenants").url_patterns
get_resolver("config.urls_public").url_patterns
from celery import current_app
current_app.loader.import_default_modules()
try:
    call_command("setup_platform", "--demo")
    refused = ""
except CommandError as exc:
    refused = str(exc)
print(json.dumps({
    "demo_installed": "apps.demo" in settings.INSTALLED_APPS,
    "demo_seeders": hasattr(settings, "DEMO_SEEDERS"),
    "loaded": sorted(m for m in sys.modules if m.startswith("apps.demo")),
    "refused": refused,
}))
"""


REFUSED = "Production settings refuse to start"
# What the environment of this test run may carry that would hide a missing production setting.
NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "SANDBOX_ENABLED", "DJANGO_DEBUG", *production_like_secrets())


def _environment(**changes) -> dict:
    """This run's environment (database, broker) with nothing production-related inherited, then `changes`;
    a value of None leaves the variable out."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update({key: value for key, value in changes.items() if value is not None})
    return env


def _complete(**changes) -> dict:
    return _environment(**{**production_like_secrets(), **changes})


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    return _run("from django.conf import settings; print(settings.SECRET_KEY and 'started')", env)


def test_production_settings_do_without_the_demo():
    result = _run(PROBE, _complete())
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["demo_installed"] is False and report["demo_seeders"] is False
    assert report["loaded"] == []
    assert "demo app" in report["refused"]


def test_development_and_test_settings_install_the_demo():
    assert "apps.demo" in settings.INSTALLED_APPS
    assert settings.DEMO_SEEDERS[0] == "apps.demo.seeders.distributors"


def test_a_complete_production_environment_starts():
    result = _import_settings(_complete())
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "started"


# (what is wrong, the change to a complete environment, words the refusal must contain)
UNSAFE = [
    ("no secret key", {"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is not set"),
    ("the dev secret key", {"DJANGO_SECRET_KEY": "dev-only-insecure-key-never-use-in-production"}, "published"),
    ("a short secret key", {"DJANGO_SECRET_KEY": "short"}, "at least 32"),
    ("no token signing key", {"OIDC_RSA_PRIVATE_KEY": None}, "OIDC_RSA_PRIVATE_KEY"),
    ("no field encryption keys", {"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS is not set"),
    ("a short field encryption key", {"FIELD_ENCRYPTION_KEYS": "x" * 31}, "32+ characters"),
    ("no keyed-hash key", {"FIELD_HASH_KEY": None}, "FIELD_HASH_KEY needs 32+ characters"),
    ("the hash key reused", {"FIELD_HASH_KEY": "k" * 40, "FIELD_ENCRYPTION_KEYS": "k" * 40}, "its own secret"),
    ("a console notifier", {"NOTIFIER_BACKEND": "apps.accounts.notifiers.ConsoleNotifier"}, "NOTIFIER_BACKEND"),
    ("a console SMS notifier", {"SMS_NOTIFIER_BACKEND": None}, "SMS_NOTIFIER_BACKEND"),
    ("console e-mail", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
    ("locmem e-mail", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "EMAIL_BACKEND"),
    ("no MSG91 key", {"MSG91_AUTH_KEY": None}, "MSG91_AUTH_KEY is not set"),
    ("no MFU key", {"MFU_AES_KEY": None}, "MFU_AES_KEY is not set"),
    ("BSE at the sandbox", {"BSE_STARMF_ORDER_URL": None}, "BSE_STARMF_ORDER_URL"),
    ("BSE's scheme master at the sandbox", {"FUNDS_BSE_SCHEME_MASTER_URL": None}, "FUNDS_BSE_SCHEME_MASTER_URL"),
    ("MFU at the sandbox", {"MFU_BASE_URL": None}, "MFU_BASE_URL"),
    ("no KRA password", {"KRA_PASSWORD": None}, "KRA_PASSWORD is not set"),
    ("the sandbox on", {"SANDBOX_ENABLED": "true"}, "SANDBOX_ENABLED is on"),
    ("DEBUG on", {"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG is on"),
]


@pytest.mark.parametrize(("changes", "words"), [case[1:] for case in UNSAFE], ids=[case[0] for case in UNSAFE])
def test_production_refuses_a_missing_secret_or_an_unsafe_choice(changes, words):
    result = _import_settings(_complete(**changes))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and REFUSED in result.stderr
    assert words in result.stderr, result.stderr[-2000:]


def test_an_empty_environment_is_refused_once_naming_every_missing_thing():
    result = _import_settings(_environment(DJANGO_SETTINGS_MODULE="config.settings.prod"))
    assert result.returncode != 0
    message = result.stderr[result.stderr.index(REFUSED) :]
    for name in ("DJANGO_SECRET_KEY", "OIDC_RSA_PRIVATE_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY",
                 "SMS_NOTIFIER_BACKEND", "BSE_STARMF_ORDER_URL", "MFU_AES_KEY", "KRA_USERNAME"):  # fmt: skip
        assert name in message


def test_a_deployment_may_trade_on_one_exchange_only():
    # given MFU switched off, its address and key are not asked for
    env = _complete(ORDER_GATEWAYS_ENABLED="bse_starmf", MFU_AES_KEY=None, MFU_BASE_URL=None)
    result = _run("from django.conf import settings; print(sorted(settings.ORDER_GATEWAYS))", env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['bse_starmf']"
    # but the default gateway must be one that is on
    result = _import_settings(dict(env, ORDER_GATEWAY_DEFAULT="mfu"))
    assert result.returncode != 0 and "ORDER_GATEWAY_DEFAULT" in result.stderr


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"], ids=["wsgi", "asgi", "celery"])
def test_servers_default_to_production_settings(module):
    code = f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE)"
    # without DJANGO_SETTINGS_MODULE, a complete environment starts on the production settings
    result = _run(code, _complete(DJANGO_SETTINGS_MODULE=None))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "config.settings.prod"
    # and an incomplete one is refused rather than served with development defaults
    result = _run(code, _environment())
    assert result.returncode != 0 and REFUSED in result.stderr


def test_the_wsgi_application_loads_every_view_before_serving_and_opens_no_connection():
    # gunicorn's preload_app forks its workers after this import: they start with the views loaded, so a
    # new or replaced worker's first request does not import them; and no database connection is shared
    code = (
        "import sys, config.wsgi; from django.db import connections; "
        "print('apps.portal.views' in sys.modules, 'apps.portfolio.apis' in sys.modules, "
        "all(connections[alias].connection is None for alias in connections))"
    )
    result = _run(code, _complete(DJANGO_SETTINGS_MODULE=None))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True True True"
