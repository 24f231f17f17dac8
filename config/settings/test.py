from .base import *  # noqa: F403
from .base import SECRET_KEY, env
from .demo import *  # noqa: F403
from .throwaway_secrets import *  # noqa: F403

SECRET_KEY = SECRET_KEY or "test-only-insecure-key"
FIELD_HASH_KEY = FIELD_HASH_KEY or "test-only-field-hash-key-never-in-production"  # noqa: F405
DEBUG = False
TENANT_URL_SCHEME = "http"
TENANT_URL_PORT = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CACHE_KEY_PREFIX = "test-" + DATABASES["default"]["NAME"]  # noqa: F405
for _cache in CACHES.values():  # noqa: F405
    _cache["KEY_PREFIX"] = CACHE_KEY_PREFIX
LOG_LEVEL = env("LOG_LEVEL", default="WARNING")
LOGGING["root"]["level"] = LOG_LEVEL  # noqa: F405
NOTIFIER_BACKEND = "apps.accounts.notifiers.LocmemNotifier"
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
# connections are closed after each request, so live-server threads leave none behind
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# tasks sent by a test run go to a queue of its own, never to a development worker
CELERY_TASK_DEFAULT_QUEUE = CACHE_KEY_PREFIX
CELERY_IMPORTS_QUEUE = f"{CACHE_KEY_PREFIX}-imports"
CELERY_TASK_ROUTES = {
    "portfolio.cas_import_process": {"queue": CELERY_IMPORTS_QUEUE},
    "reports.*": {"queue": f"{CACHE_KEY_PREFIX}-statements"},
}
