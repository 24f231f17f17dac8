"""Tenancy (django-tenants), all of it in one place: which apps live in the public schema and which in
each distributor's, the tenant models and URL confs, the template schema, onboarding hooks, hosts."""

from .environment import BASE_DIR, env

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "apps.users",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Django's admin with the platform's site: a second factor (django-otp) and the core sign-in limits
    "config.apps.PlatformAdminConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc builds served from our static files
    "apps.core",
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
    "apps.web",
    "apps.reconciliation",
    "apps.notifications",
    "apps.reports",
    "apps.goals",
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
# `SET search_path` once per schema switch, not before every cursor: django-tenants forgets the setting
# whenever the tenant changes, the connection closes or a transaction (or savepoint) rolls back.
TENANT_LIMIT_SET_CALLS = True
# Hosts whose distributor each web process keeps in memory (tenants/lookup.py); bounded.
TENANT_LOOKUP_CACHE_SIZE = env.int("TENANT_LOOKUP_CACHE_SIZE", default=1000)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Per-tenant set-up run inside the onboarding transaction, in the new schema (see tenants/hooks.py).
DISTRIBUTOR_CREATED_HOOKS = ["apps.oauth.hooks.mobile_app_create_for_distributor"]
# Scheme and port used when the platform prints a tenant's URL (set-password links, demo URLs).
TENANT_URL_SCHEME = env("TENANT_URL_SCHEME", default="https")
TENANT_URL_PORT = env.int("TENANT_URL_PORT", default=0)
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")
# Per-distributor template overrides (tenants/<schema>/templates).
MULTITENANT_TEMPLATE_DIRS = [str(BASE_DIR / "tenants" / "%s" / "templates")]
