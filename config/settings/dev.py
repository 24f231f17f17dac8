import os
from pathlib import Path

import environ

# --- Deployment: `make run`'s database and broker for management commands in another terminal -----
# scripts/devstack.py writes .data/devstack.env while it runs (and removes it on stop); a management
# command started without DATABASE_URL uses what it names, if the process that wrote it is still alive.
_RUNTIME_ENV = Path(__file__).resolve().parent.parent.parent / ".data" / "devstack.env"


def _runtime_env_is_live(path: Path) -> bool:
    try:
        values = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        os.kill(int(values["DEVSTACK_PID"]), 0)
    except (OSError, KeyError, ValueError):
        return False
    return True


if not os.environ.get("DATABASE_URL") and _runtime_env_is_live(_RUNTIME_ENV):
    environ.Env.read_env(_RUNTIME_ENV, overwrite=False)
# --- end of the deployment block ---------------------------------------------------------------------

from .base import *  # noqa: E402, F403
from .base import SECRET_KEY, env  # noqa: E402
from .demo import *  # noqa: E402, F403
from .throwaway_secrets import *  # noqa: E402, F403

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
FIELD_HASH_KEY = FIELD_HASH_KEY or "dev-only-field-hash-key-never-use-in-production"  # noqa: F405
DEBUG = env.bool("DJANGO_DEBUG", default=True)
TENANT_URL_SCHEME = env("TENANT_URL_SCHEME", default="http")
TENANT_URL_PORT = env.int("TENANT_URL_PORT", default=env.int("PORT", default=8000))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
