from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ORDER_GATEWAYS, env
from .safety import production_problems, production_problems_message

# DEBUG and SANDBOX_ENABLED are read from the environment like everywhere else (off unless set), so a
# deployment that switches either on is refused below rather than quietly overridden.
TENANT_URL_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health probes come over plain HTTP from the orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
# includeSubDomains and preload are added by apps.core.security_headers on the platform's own domain only:
# on a distributor's own domain they would bind the distributor's other subdomains to HTTPS for years.
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@localhost")
# The exchanges this deployment trades on (each needs its addresses and secrets); default: all of them.
_ENABLED = env.list("ORDER_GATEWAYS_ENABLED", default=[*ORDER_GATEWAYS])
ORDER_GATEWAYS = {name: conf for name, conf in ORDER_GATEWAYS.items() if name in _ENABLED}

# last: everything above is final
_problems = production_problems(globals())
if _problems:
    raise ImproperlyConfigured(production_problems_message(_problems))
