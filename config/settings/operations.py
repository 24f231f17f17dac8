"""Deployment and operations: metrics, error reporting, per-distributor feature flags, the read replica,
parallel tenant migrations, secret-key rotation and backups. Imported last by base.py: it extends lists
and dicts the other modules define (middleware, apps, templates, databases)."""

import os

from .data import DATABASES
from .django import MIDDLEWARE, TEMPLATES
from .environment import env
from .tasks import CELERY_IMPORTS_QUEUE
from .tenancy import INSTALLED_APPS, TENANT_APPS

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
    "v1:portfolio-family-requests": "family_view",
    "v1:portfolio-family-request-accept": "family_view",
    "v1:portfolio-family-request-decline": "family_view",
    "v1:portfolio-family-unlink": "family_view",
    "web:family": "family_view",
    "web:family_answer": "family_view",
    "web:family_unlink": "family_view",
    "web:order_place": "web_ordering",
    "web:order_confirm": "web_ordering",
    "web:basket_place": "web_ordering",
    "web:basket": "web_ordering",
    "web:sip_new": "web_ordering",
    "web:sip_mandate": "web_ordering",
    "web:sip": "web_ordering",
    "v1:goals": "goals",
    "v1:goal": "goals",
    "v1:goal-links": "goals",
    "v1:goal-link": "goals",
    "web:goals": "goals",
    "web:goal": "goals",
    "portal:investor_goals": "goals",
    "portal:investor_goal": "goals",
}
# setup_platform migrates tenant schemas in parallel: django-tenants' multiprocessing executor, one
# process per core by default, schemas handed out in chunks.
TENANT_MIGRATION_EXECUTOR = env("TENANT_MIGRATION_EXECUTOR", default="multiprocessing")
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.int("TENANT_MIGRATION_PROCESSES", default=max(2, os.cpu_count() or 2))
TENANT_MULTIPROCESSING_CHUNKS = env.int("TENANT_MIGRATION_CHUNKS", default=10)
# ...skipping the tenant schemas that already have every migration (one query for all of them), and
# reusing rendered project states between schemas (tenants/schema_migrations.py)
GET_EXECUTOR_FUNCTION = "tenants.schema_migrations.schema_executor_get"
TENANT_BASE_MIGRATE_COMMAND = "tenants.schema_migrations.MigrateCommand"
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
