from .base import *  # noqa: F403
from .base import SECRET_KEY, env
from .demo import *  # noqa: F403

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
TENANT_URL_SCHEME = env("TENANT_URL_SCHEME", default="http")
TENANT_URL_PORT = env.int("TENANT_URL_PORT", default=env.int("PORT", default=8000))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
