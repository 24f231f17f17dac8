"""Settings shared by every environment. Everything secret or host-specific comes from the environment."""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Unknown hosts are refused by the tenant middleware (404), so host validation happens there;
# ALLOWED_HOSTS can still be narrowed per deployment.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

# --- Tenancy (django-tenants): all of it in one place ----------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "apps.users",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc builds served from our static files
    "django_celery_beat",
    "apps.core",
    "apps.demo",
    "apps.funds",
    "apps.sandbox",
]
TENANT_APPS = [
    # auth, sessions and users live in each tenant schema too: a distributor's users, their sessions
    # and (later) their OAuth tokens stay together and never cross tenants.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "apps.users",
    "django.contrib.sessions",
    "apps.core",
    "apps.accounts",
    "oauth2_provider",
    "apps.oauth",
    "apps.orders",
    "apps.portfolio",
    "apps.portal",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Distributor"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenants"
# New tenants are cloned from a migrated template schema instead of running every migration.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Clones of the template made ahead of time, so onboarding only renames one (tenants/schema_template.py).
TENANT_SPARE_SCHEMAS = env.int("TENANT_SPARE_SCHEMAS", default=2)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Per-tenant set-up run inside the onboarding transaction, in the new schema (see tenants/hooks.py).
DISTRIBUTOR_CREATED_HOOKS: list[str] = []
# Scheme and port used when the platform prints a tenant's URL (set-password links, demo URLs).
TENANT_URL_SCHEME = env("TENANT_URL_SCHEME", default="https")
TENANT_URL_PORT = env.int("TENANT_URL_PORT", default=0)
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")

MIDDLEWARE = [
    # outermost: its headers reach every response, health probes and unknown hosts included
    "apps.core.security_headers.SecurityHeadersMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.middleware.HealthCheckMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.branding",
            ],
            # Per-tenant overrides in tenants/<schema>/templates win over the system templates.
            "loaders": [
                "django_tenants.template.loaders.filesystem.Loader",
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]
MULTITENANT_TEMPLATE_DIRS = [str(BASE_DIR / "tenants" / "%s" / "templates")]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Database --------------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="mfd")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # every key carries the schema it was written under: tenant A's key misses under B
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
else:
    # No Redis: a cache table in the public schema and kombu's SQLAlchemy transport on the same
    # Postgres, both shared by every process (web, worker, beat).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
    # kombu's SQLAlchemy transport takes the same URL with its own scheme.
    CELERY_BROKER_URL = env(
        "CELERY_BROKER_URL",
        default="sqla+postgresql+psycopg://" + env("DATABASE_URL").split("://", 1)[1],
    )

# --- Celery ----------------------------------------------------------------------------------------
CELERY_TIMEZONE = "Asia/Kolkata"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default=REDIS_URL or "db+postgresql+psycopg://" + env("DATABASE_URL").split("://", 1)[1],
)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# workers log through Django's LOGGING (JSON lines with the tenant), not Celery's own format
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues: "celery" for orders and the rest; CAS parsing (untrusted PDFs) on a queue of its own, with a time
# and an address-space limit per task (apps/portfolio/tasks.py), served by its own worker (Procfile).
CELERY_IMPORTS_QUEUE = env("CELERY_IMPORTS_QUEUE", default="imports")
CELERY_TASK_ROUTES = {"portfolio.cas_import_process": {"queue": CELERY_IMPORTS_QUEUE}}
CAS_IMPORT_SOFT_TIME_LIMIT_SECONDS = env.int("CAS_IMPORT_SOFT_TIME_LIMIT_SECONDS", default=120)
CAS_IMPORT_MAX_MEMORY_BYTES = env.int("CAS_IMPORT_MAX_MEMORY_BYTES", default=1536 * 1024 * 1024)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic work. Entries that act per distributor go through core.fan_out_to_tenants, which runs
# the named task once in each active tenant's schema. Later apps add their own entries.
CELERY_BEAT_SCHEDULE = {
    "core-heartbeat": {
        "task": "core.fan_out_to_tenants",
        "schedule": crontab(minute="*/30"),
        "args": ("core.tenant_heartbeat",),
    },
}

# --- Auth ------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
NOTIFIER_BACKEND = env("NOTIFIER_BACKEND", default="apps.accounts.notifiers.ConsoleNotifier")
SMS_NOTIFIER_BACKEND = env("SMS_NOTIFIER_BACKEND", default="apps.accounts.notifiers.ConsoleNotifier")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- I18N ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Files that must never be public (CAS PDFs): outside MEDIA_ROOT, never served by URL.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / ".data" / "private")

# --- API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "apps.core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.throttling.IpRateThrottle",
        "apps.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "ip": env("THROTTLE_RATE_IP", default="300/min"),
        "user": env("THROTTLE_RATE_USER", default="600/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
API_MAX_PAGE_SIZE = 100
# JSON request bodies nested deeper than this answer 400
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "Distributor platform API",
    "DESCRIPTION": "Investor-facing REST API served on each distributor's domain.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security headers: CSP with a per-request nonce, Referrer-Policy, HSTS (apps/core/security_headers.py) ----
# Scripts load only from our own static files (vendored, no CDN); an inline <script> or <style> runs only
# with the request's nonce. Style attributes stay allowed (brand colours in the branding preview).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
# includeSubDomains and preload go only on PLATFORM_DOMAIN and its subdomains, never a distributor's own domain
HSTS_PRELOAD_PLATFORM_DOMAIN = env.bool("HSTS_PRELOAD_PLATFORM_DOMAIN", default=True)

# --- Logging: JSON lines with the request id and tenant; PANs masked ------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "apps.core.logging.RequestContextFilter"},
        "mask_pii": {"()": "apps.core.logging.MaskPiiFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["context", "mask_pii"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
    },
}

# --- Security --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Sandbox simulators (never in production) -----------------------------------------------------
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=False)

# --- Demo (make run) -------------------------------------------------------------------------------
# Seeders run in this order; each is idempotent (apps/demo/registry.py).
DEMO_SEEDERS = ["apps.demo.distributors"]
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-pass-2026")

# --- Identity: accounts and OAuth (apps.accounts, apps.oauth) --------------------------------------
# OAuth applications, grants and tokens live in each tenant's schema: a token issued at one distributor
# is unknown at every other.
from apps.oauth.keys import signing_key_from_environment  # noqa: E402

OIDC_RSA_PRIVATE_KEY, OIDC_DEV_KEY_IN_USE = signing_key_from_environment(env, dev_directory=BASE_DIR / ".data")
# Access tokens are short-lived JWTs; the platform never issues one for longer than 10 minutes.
OAUTH_ACCESS_TOKEN_SECONDS = min(env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=600), 600)
# A device's sign-in (one refresh-token family) ends this long after it began, however active it is.
OAUTH_SESSION_ABSOLUTE_SECONDS = env.int("OAUTH_SESSION_ABSOLUTE_SECONDS", default=90 * 24 * 3600)
# ... and this long after its last access token expired when the device stops refreshing.
OAUTH_SESSION_IDLE_SECONDS = env.int("OAUTH_SESSION_IDLE_SECONDS", default=30 * 24 * 3600)
# The distributor's mobile app is a public client; its redirect URI is a private-use scheme per tenant
# (RFC 8252 section 7.1). {scheme} is the schema name made URI-safe.
MOBILE_APP_REDIRECT_URI_TEMPLATE = env("MOBILE_APP_REDIRECT_URI_TEMPLATE", default="{scheme}app://oauth/callback")
# our models point at the toolkit's (swappable) application model
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
        key.replace("\\n", "\n") for key in env.list("OIDC_RSA_PRIVATE_KEYS_INACTIVE", default=[])
    ],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic", "client_secret_post"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic", "client_secret_post"],
    "OIDC_SERVER_CLASS": "apps.oauth.server.AuthorizationCodeServer",
    "OAUTH2_VALIDATOR_CLASS": "apps.oauth.validators.TenantOAuth2Validator",
    "ACCESS_TOKEN_GENERATOR": "apps.oauth.tokens.access_token_generate",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": OAUTH_ACCESS_TOKEN_SECONDS,
    "ID_TOKEN_EXPIRE_SECONDS": OAUTH_ACCESS_TOKEN_SECONDS,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": OAUTH_SESSION_IDLE_SECONDS,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "PKCE_REQUIRED": True,
    # Web clients must use https; the mobile app's private-use scheme is allowed per application
    # (apps/oauth/views.py), for the URIs registered on it and nothing else.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REQUEST_APPROVAL_PROMPT": "auto",
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "Your name",
        "email": "Your e-mail address",
        "phone": "Your mobile number",
        "read": "See your profile, portfolio and orders",
        "write": "Update your profile and place orders",
    },
    "DEFAULT_SCOPES": ["openid", "read", "write"],
    # RFC 9700 (OAuth 2.0 Security BCP): every gate on
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only SHA-256 checksums of tokens are stored
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.EmailOrMobileBackend"]
# Bearer JWTs first: an API request without credentials then answers 401 with WWW-Authenticate.
# Session auth stays for the portal and the investor web pages. A token needs the "read" scope for
# safe methods and "write" for the others, whatever the view's own permission classes.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "apps.oauth.authentication.JwtAccessTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] |= {
    # per client IP, on top of the per-target OTP limits in apps/accounts/otp.py
    "otp": env("THROTTLE_RATE_OTP", default="20/hour"),
    "registration": env("THROTTLE_RATE_REGISTRATION", default="20/hour"),
    "invitation": env("THROTTLE_RATE_INVITATION", default="30/hour"),
}
# Password sign-in on the branded login page: failures allowed per identifier in the window.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=10)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# Staff invitations to investors: signed links, single use.
INVITATION_MAX_AGE_SECONDS = env.int("INVITATION_MAX_AGE_SECONDS", default=7 * 24 * 3600)
# KYC: the KRA's PAN-status service. Defaults to the sandbox simulator on this machine.
KYC_PROVIDER = env("KYC_PROVIDER", default="apps.accounts.kyc.kra.provider.KraKycProvider")
KRA_BASE_URL = env("KRA_BASE_URL", default=f"http://{PLATFORM_DOMAIN}:{env.int('PORT', default=8000)}/sandbox/kra/")
KRA_USERNAME = env("KRA_USERNAME", default="sandbox")
KRA_PASSWORD = env("KRA_PASSWORD", default="sandbox")
KRA_POS_CODE = env("KRA_POS_CODE", default="SANDBOX")
KRA_TIMEOUT_SECONDS = env.float("KRA_TIMEOUT_SECONDS", default=5.0)
KRA_MAX_ATTEMPTS = env.int("KRA_MAX_ATTEMPTS", default=3)
# Pending and on-hold KYC is asked again this often (per tenant).
KYC_RECHECK_AFTER_SECONDS = env.int("KYC_RECHECK_AFTER_SECONDS", default=6 * 3600)
# the KRA simulator's "slow answer" fault (PANs with digits 9408)
SANDBOX_KRA_SLOW_SECONDS = env.float("SANDBOX_KRA_SLOW_SECONDS", default=8.0)
CELERY_BEAT_SCHEDULE |= {
    "accounts-kyc-recheck": {
        "task": "core.fan_out_to_tenants",
        "schedule": crontab(minute=15, hour="*/6"),
        "args": ("accounts.kyc_recheck_due",),
    },
    "oauth-clear-expired": {
        "task": "core.fan_out_to_tenants",
        "schedule": crontab(minute=40, hour=3),
        "args": ("oauth.clear_expired",),
    },
}
DISTRIBUTOR_CREATED_HOOKS += ["apps.oauth.hooks.mobile_app_create_for_distributor"]
DEMO_SEEDERS += ["apps.accounts.demo"]

# --- Portal (apps.portal) --------------------------------------------------------------------------
# Sign-in lockout of the staff portal and the investor web pages (apps/portal/lockout.py): failures
# counted per account and per client IP, each lock lasting the window.
PORTAL_LOCKOUT_MAX_PER_ACCOUNT = env.int("PORTAL_LOCKOUT_MAX_PER_ACCOUNT", default=5)
PORTAL_LOCKOUT_MAX_PER_IP = env.int("PORTAL_LOCKOUT_MAX_PER_IP", default=20)
PORTAL_LOCKOUT_WINDOW = env.int("PORTAL_LOCKOUT_WINDOW_SECONDS", default=15 * 60)
# Key that encrypts staff TOTP secrets at rest; empty means one derived from SECRET_KEY.
PORTAL_TOTP_KEY = env("PORTAL_TOTP_KEY", default="")
PORTAL_LOGO_MAX_BYTES = env.int("PORTAL_LOGO_MAX_BYTES", default=512 * 1024)

# --- Portfolio (apps.portfolio) --------------------------------------------------------------------
# CAS uploads: size and page limits; files live under PRIVATE_STORAGE_ROOT/cas/<schema>/ until parsed.
CAS_UPLOAD_MAX_BYTES = env.int("CAS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
CAS_UPLOAD_MAX_PAGES = env.int("CAS_UPLOAD_MAX_PAGES", default=60)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["cas_upload"] = env("THROTTLE_RATE_CAS_UPLOAD", default="20/hour")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["family_invite"] = env("THROTTLE_RATE_FAMILY_INVITE", default="10/hour")
# demo portfolios from generated CAS PDFs; needs the demo investors (accounts) and fund universe (funds)
DEMO_SEEDERS += ["apps.portfolio.demo"]
CELERY_BEAT_SCHEDULE |= {
    # safety net: values holdings left stale (the NAV importer's fan-out does the daily work)
    "portfolio-valuations-stale": {
        "task": "core.fan_out_to_tenants",
        "schedule": crontab(minute=5, hour="*/2"),
        "args": ("portfolio.valuations_refresh_stale",),
    },
}

# --- Orders (apps.orders) --------------------------------------------------------------------------
# Gateways. Defaults point at the sandbox on this machine (`make run`: port 8000 or $PORT); production
# sets every URL and secret from the environment. The MFOrder WSDL is loaded from the order URL
# (?singleWsdl) unless BSE_STARMF_ORDER_WSDL names another place; the StarMFWebService WSDL is ours.
_ORDERS_SANDBOX = env("ORDERS_SANDBOX_BASE_URL", default=f"http://localhost:{env.int('PORT', default=8000)}/sandbox")
_BSE_ORDER_URL = env("BSE_STARMF_ORDER_URL", default=f"{_ORDERS_SANDBOX}/bse/MFOrderEntry/MFOrder.svc")
ORDER_GATEWAYS = {
    "bse_starmf": {
        "BACKEND": "apps.orders.gateways.bse_starmf.gateway.BseStarMfGateway",
        "ORDER_URL": _BSE_ORDER_URL,
        "ORDER_WSDL": env("BSE_STARMF_ORDER_WSDL", default="") or f"{_BSE_ORDER_URL}?singleWsdl",
        "SERVICES_URL": env(
            "BSE_STARMF_SERVICES_URL", default=f"{_ORDERS_SANDBOX}/bse/StarMFWebService/StarMFWebService.svc/Basic"
        ),
        "SERVICES_WSDL": str(BASE_DIR / "apps/orders/gateways/bse_starmf/wsdl/StarMFWebService.wsdl"),
        "MEMBER_ID": env("BSE_STARMF_MEMBER_ID", default="10234"),
        "USER_ID": env("BSE_STARMF_USER_ID", default="1023401"),
        "PASSWORD": env("BSE_STARMF_PASSWORD", default="sandbox-only"),
        "TIMEOUT": env.float("BSE_STARMF_TIMEOUT", default=20.0),
    },
    "mfu": {
        "BACKEND": "apps.orders.gateways.mfu.gateway.MfuGateway",
        "BASE_URL": env("MFU_BASE_URL", default=f"{_ORDERS_SANDBOX}/mfu"),
        "ENTITY_ID": env("MFU_ENTITY_ID", default="MFD0001"),
        "USERNAME": env("MFU_USERNAME", default="mfd-api"),
        "PASSWORD": env("MFU_PASSWORD", default="sandbox-only"),
        # AES-256 key (base64) for reqBody / respBody; UNVERIFIED scheme, see apps/orders/gateways/mfu
        "AES_KEY": env("MFU_AES_KEY", default="c2FuZGJveC1vbmx5LWtleS0zMi1ieXRlcy1sb25nISE="),
        "VERSION": env("MFU_API_VERSION", default="1.0"),
        "TIMEOUT": env.float("MFU_TIMEOUT", default=20.0),
    },
}
ORDER_GATEWAY_DEFAULT = env("ORDER_GATEWAY_DEFAULT", default="bse_starmf")
# zeep and requests reach loopback and these hosts only (never a schemaLocation elsewhere)
ORDER_GATEWAY_ALLOWED_HOSTS = env.list("ORDER_GATEWAY_ALLOWED_HOSTS", default=[])
ORDER_GATEWAY_RATE_LIMITS = {
    "default": {"rate": 20.0, "burst": 20.0},
    "bse_starmf": {
        "rate": env.float("BSE_STARMF_RATE_PER_SECOND", default=20.0),
        "burst": env.float("BSE_STARMF_RATE_BURST", default=20.0),
    },
    "mfu": {"rate": env.float("MFU_RATE_PER_SECOND", default=10.0), "burst": env.float("MFU_RATE_BURST", default=10.0)},
}
ORDER_GATEWAY_RATE_LIMIT_MAX_WAIT = env.float("ORDER_GATEWAY_RATE_LIMIT_MAX_WAIT", default=10.0)
ORDER_GATEWAY_CIRCUIT = {
    "threshold": env.int("ORDER_GATEWAY_CIRCUIT_THRESHOLD", default=5),
    "cooldown_seconds": env.float("ORDER_GATEWAY_CIRCUIT_COOLDOWN", default=30.0),
}
# Exchange sessions, the rate bucket and the circuit state are the platform's, not a distributor's:
# a cache without the schema in its keys.
CACHES["gateways"] = {
    **CACHES["default"],
    "KEY_FUNCTION": "django.core.cache.backends.base.default_key_func",
    "KEY_PREFIX": CACHE_KEY_PREFIX + "-gw",
}
CACHES["gateways"].pop("REVERSE_KEY_FUNCTION", None)
# An attempt whose outcome is unknown is looked up at the exchange no sooner than this after it was sent,
# and is taken as absent (safe to send again under a new TransNo) only when the query ran this late.
ORDERS_UNKNOWN_SETTLE_SECONDS = env.float("ORDERS_UNKNOWN_SETTLE_SECONDS", default=30.0)
ORDERS_OUTBOX_LEASE_SECONDS = env.int("ORDERS_OUTBOX_LEASE_SECONDS", default=120)
ORDERS_OUTBOX_STUCK_SECONDS = env.int("ORDERS_OUTBOX_STUCK_SECONDS", default=60)
ORDERS_OUTBOX_MAX_ATTEMPTS = env.int("ORDERS_OUTBOX_MAX_ATTEMPTS", default=12)
ORDERS_RETRY_BASE_SECONDS = env.float("ORDERS_RETRY_BASE_SECONDS", default=2.0)
ORDERS_RETRY_MAX_SECONDS = env.float("ORDERS_RETRY_MAX_SECONDS", default=300.0)
ORDERS_POLL_INTERVAL_SECONDS = env.int("ORDERS_POLL_INTERVAL_SECONDS", default=120)
ORDERS_POLL_BATCH = env.int("ORDERS_POLL_BATCH", default=200)
ORDERS_IDEMPOTENCY_HOURS = env.int("ORDERS_IDEMPOTENCY_HOURS", default=72)
ORDERS_IDEMPOTENCY_LOCK_SECONDS = env.int("ORDERS_IDEMPOTENCY_LOCK_SECONDS", default=60)
# Free units for redemptions and switches come from the portfolio ledger through this selector.
ORDERS_FREE_UNITS_SELECTOR = env(
    "ORDERS_FREE_UNITS_SELECTOR", default="apps.orders.selectors.free_units_from_portfolio"
)
ORDERS_PAYMENT_RETURN_URL = env("ORDERS_PAYMENT_RETURN_URL", default="")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["orders"] = env("THROTTLE_RATE_ORDERS", default="60/min")
# Sandbox simulators (BSE StAR MF, MFU): credentials they accept and how fast they move.
SANDBOX_BSE_PASSWORD = env("SANDBOX_BSE_PASSWORD", default="sandbox-only")
SANDBOX_MFU_PASSWORD = env("SANDBOX_MFU_PASSWORD", default="sandbox-only")
SANDBOX_AUTO_PAY_SECONDS = env.float("SANDBOX_AUTO_PAY_SECONDS", default=20.0)  # negative: never
SANDBOX_ALLOTMENT_DELAY_SECONDS = env.float("SANDBOX_ALLOTMENT_DELAY_SECONDS", default=40.0)
SANDBOX_MANDATE_APPROVAL_SECONDS = env.float("SANDBOX_MANDATE_APPROVAL_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE |= {
    "orders-outbox-sweep": {
        "task": "core.fan_out_to_tenants",
        "schedule": 60.0,
        "args": ("orders.outbox_sweep",),
    },
    "orders-poll-open": {
        "task": "core.fan_out_to_tenants",
        "schedule": float(ORDERS_POLL_INTERVAL_SECONDS),
        "args": ("orders.poll_open",),
    },
    "orders-idempotency-purge": {
        "task": "core.fan_out_to_tenants",
        "schedule": crontab(minute=20, hour=2),
        "args": ("orders.idempotency_purge",),
    },
}
DEMO_SEEDERS += ["apps.orders.demo"]

# --- Funds (apps.funds) ---
# AMFI's daily NAV file; the nightly import fetches it (timeouts, retries with backoff on transient faults).
FUNDS_AMFI_NAV_URL = env("FUNDS_AMFI_NAV_URL", default="https://portal.amfiindia.com/spages/NAVAll.txt")
FUNDS_HTTP_CONNECT_TIMEOUT = env.float("FUNDS_HTTP_CONNECT_TIMEOUT", default=10.0)
FUNDS_HTTP_READ_TIMEOUT = env.float("FUNDS_HTTP_READ_TIMEOUT", default=60.0)
FUNDS_HTTP_RETRIES = env.int("FUNDS_HTTP_RETRIES", default=3)
FUNDS_HTTP_BACKOFF_SECONDS = env.float("FUNDS_HTTP_BACKOFF_SECONDS", default=5.0)
FUNDS_HTTP_MAX_BYTES = env.int("FUNDS_HTTP_MAX_BYTES", default=64 * 1024 * 1024)
FUNDS_HTTP_USER_AGENT = env("FUNDS_HTTP_USER_AGENT", default="mfd-platform-nav-import/1.0")
# A trading day's NAVs are due by this time (IST); an import after it without them is flagged stale.
FUNDS_NAV_DEADLINE_IST = env("FUNDS_NAV_DEADLINE_IST", default="23:00")
# Nightly import, in IST (CELERY_TIMEZONE): crontab fields, e.g. hours "23,7" = late evening and a catch-up.
FUNDS_NAV_IMPORT_MINUTE = env("FUNDS_NAV_IMPORT_MINUTE", default="30")
FUNDS_NAV_IMPORT_HOURS = env("FUNDS_NAV_IMPORT_HOURS", default="23,7")
CELERY_BEAT_SCHEDULE |= {
    "funds-import-amfi-navs": {
        "task": "funds.import_amfi_navs",
        "schedule": crontab(minute=FUNDS_NAV_IMPORT_MINUTE, hour=FUNDS_NAV_IMPORT_HOURS),
    },
}
# Fund API responses: Redis cache keyed by the catalogue version (bumped by imports), and client caching.
FUNDS_API_CACHE_SECONDS = env.int("FUNDS_API_CACHE_SECONDS", default=6 * 3600)
FUNDS_API_MAX_AGE = env.int("FUNDS_API_MAX_AGE", default=300)
FUNDS_NAV_HISTORY_MAX_DAYS = env.int("FUNDS_NAV_HISTORY_MAX_DAYS", default=3700)
# Fund data is the same for every distributor: one cache entry serves all of them (apps/funds/cache.py).
CACHES["funds"] = {**CACHES["default"], "KEY_FUNCTION": "apps.funds.cache.make_key"}
# The fund universe is seeded right after the distributors: later seeders place orders in its schemes.
DEMO_SEEDERS.insert(DEMO_SEEDERS.index("apps.demo.distributors") + 1, "apps.funds.demo")
# Apps told which schemes got new NAVs (inside the import's transaction) so precomputed valuations refresh.
FUNDS_NAVS_CHANGED_HOOKS = ["apps.portfolio.tasks.valuations_refresh_schedule"]

# --- Deployment and operations: metrics, error reporting, feature flags, read replica --------------
# Prometheus at /metrics on the platform host (apps/core/metrics.py): a bearer token, or a peer address
# in the allowed networks. Business metrics are read at scrape time by the collectors named here.
MIDDLEWARE.insert(
    MIDDLEWARE.index("apps.core.middleware.RequestIdMiddleware"), "apps.core.metrics.RequestMetricsMiddleware"
)
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
METRICS_WINDOW_SECONDS = env.int("METRICS_WINDOW_SECONDS", default=300)
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery", CELERY_IMPORTS_QUEUE])
METRICS_COLLECTORS = [
    "apps.core.metrics.CeleryQueueCollector",
    "apps.orders.metrics.OrdersCollector",
    "apps.orders.metrics.GatewayCollector",
    "apps.orders.metrics.OutboxCollector",
    "apps.funds.metrics.NavImportCollector",
    "apps.portfolio.metrics.CasImportCollector",
]
# Sentry (apps/core/sentry.py) when SENTRY_DSN is set: PII masked and secrets dropped before sending.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from apps.core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# Feature flags per distributor (tenants/flags.py): django-waffle's tables in each tenant schema; the plan's
# features are the defaults; platform staff switch them on the distributor's "Feature flags" admin page.
TENANT_APPS += ["waffle"]
INSTALLED_APPS += ["waffle"]
WAFFLE_ENABLE_ADMIN_PAGES = False  # the platform admin is on the public schema, which has no flags
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "tenants.flags.FeatureGateMiddleware")  # fmt: skip
TEMPLATES[0]["OPTIONS"]["context_processors"].append("tenants.flags.features_context")
# route name -> the feature it needs
FEATURE_GATED_ROUTES = {
    "v1:portfolio-family": "family_view",
    "v1:portfolio-family-summary": "family_view",
    "v1:portfolio-family-invite": "family_view",
    "v1:portfolio-family-consent": "family_view",
    "v1:portfolio-family-unlink": "family_view",
    "web:order_place": "web_ordering",
    "web:order_confirm": "web_ordering",
}
# setup_platform migrates tenant schemas in parallel: django-tenants' multiprocessing executor, one
# process per core by default, schemas handed out in chunks.
TENANT_MIGRATION_EXECUTOR = env("TENANT_MIGRATION_EXECUTOR", default="multiprocessing")
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.int("TENANT_MIGRATION_PROCESSES", default=max(2, os.cpu_count() or 2))
TENANT_MULTIPROCESSING_CHUNKS = env.int("TENANT_MIGRATION_CHUNKS", default=10)
# A streaming read replica (apps/core/db_router.py) for heavy read-only analytics, when configured.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "ENGINE": "django_tenants.postgresql_backend",
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ("apps.core.db_router.ReplicaRouter", "django_tenants.routers.TenantSyncRouter")
MIDDLEWARE.insert(
    MIDDLEWARE.index("tenants.flags.FeatureGateMiddleware") + 1, "apps.core.db_router.ReplicaRoutingMiddleware"
)
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)  # longer than the replica's usual lag
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=10)
REPLICA_READ_ROUTES = frozenset(
    {
        "v1:funds:fund-list",
        "v1:funds:fund-navs",
        "v1:funds:fund-returns",
        "v1:portfolio-performance",
        "v1:portfolio-allocation",
        "v1:portfolio-transactions",
        "portal:dashboard",
    }
)
# Old secret keys still accepted for sessions and signed links during a rotation (deploy/README.md).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
# Backups (tenants/backups.py): pg_dump and pg_restore from PATH, else from here.
POSTGRES_BIN_DIR = env("POSTGRES_BIN_DIR", default="/usr/lib/postgresql/15/bin")
# --- end of deployment and operations ---------------------------------------------------------------
