"""Production settings: no demo app, no demo tooling loaded, and setup_platform refuses --demo there.
(ReportLab itself is a production dependency: PDF statements are rendered with it.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

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


def test_production_settings_do_without_the_demo():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 50,
        "OIDC_RSA_PRIVATE_KEY": "",
    }
    env.pop("OIDC_RSA_PRIVATE_KEY")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["demo_installed"] is False and report["demo_seeders"] is False
    assert report["loaded"] == []
    assert "demo app" in report["refused"]


def test_development_and_test_settings_install_the_demo():
    assert "apps.demo" in settings.INSTALLED_APPS
    assert settings.DEMO_SEEDERS[0] == "apps.demo.seeders.distributors"
