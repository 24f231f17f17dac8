"""Celery and the beat schedule: every periodic job in one table. Entries that act per distributor go
through tenants.fan_out_to_tenants, which runs the named task once in each active tenant's schema."""

from celery.schedules import crontab

from .data import REDIS_URL
from .environment import env

if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
else:
    # kombu's SQLAlchemy transport on the same Postgres takes the same URL with its own scheme.
    CELERY_BROKER_URL = env(
        "CELERY_BROKER_URL", default="sqla+postgresql+psycopg://" + env("DATABASE_URL").split("://", 1)[1]
    )
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default=REDIS_URL or "db+postgresql+psycopg://" + env("DATABASE_URL").split("://", 1)[1],
)
CELERY_TIMEZONE = "Asia/Kolkata"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# workers log through Django's LOGGING (JSON lines with the tenant), not Celery's own format
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues: "celery" for orders and the rest; CAS parsing (untrusted PDFs) on a queue of its own, with a time
# and an address-space limit per task (apps/portfolio/tasks.py), served by its own worker (Procfile).
CELERY_IMPORTS_QUEUE = env("CELERY_IMPORTS_QUEUE", default="imports")
# PDF statements (apps/reports) render on a queue of their own too, served by the imports worker (Procfile).
REPORTS_STATEMENT_QUEUE = env("REPORTS_STATEMENT_QUEUE", default="statements")
CELERY_TASK_ROUTES = {
    "portfolio.cas_import_process": {"queue": CELERY_IMPORTS_QUEUE},
    "reports.*": {"queue": REPORTS_STATEMENT_QUEUE},
}
CAS_IMPORT_SOFT_TIME_LIMIT_SECONDS = env.int("CAS_IMPORT_SOFT_TIME_LIMIT_SECONDS", default=120)
CAS_IMPORT_MAX_MEMORY_BYTES = env.int("CAS_IMPORT_MAX_MEMORY_BYTES", default=1536 * 1024 * 1024)

ORDERS_POLL_INTERVAL_SECONDS = env.int("ORDERS_POLL_INTERVAL_SECONDS", default=120)
# Nightly NAV import, in IST (CELERY_TIMEZONE): crontab fields, e.g. hours "23,7" = late evening and a catch-up.
FUNDS_NAV_IMPORT_MINUTE = env("FUNDS_NAV_IMPORT_MINUTE", default="30")
FUNDS_NAV_IMPORT_HOURS = env("FUNDS_NAV_IMPORT_HOURS", default="23,7")


def _per_tenant(task: str, schedule) -> dict:
    return {"task": "tenants.fan_out_to_tenants", "schedule": schedule, "args": (task,)}


CELERY_BEAT_SCHEDULE = {
    "core-heartbeat": _per_tenant("core.tenant_heartbeat", crontab(minute="*/30")),
    "accounts-kyc-recheck": _per_tenant("accounts.kyc_recheck_due", crontab(minute=15, hour="*/6")),
    "oauth-clear-expired": _per_tenant("oauth.clear_expired", crontab(minute=40, hour=3)),
    # safety net: values holdings left stale (the NAV importer's fan-out does the daily work)
    "portfolio-valuations-stale": _per_tenant("portfolio.valuations_refresh_stale", crontab(minute=5, hour="*/2")),
    # staff books' dashboard figures (the AUM chart), after the NAV import and its revaluation (IST)
    "portfolio-book-snapshots": _per_tenant("portfolio.book_snapshots_refresh", crontab(minute=15, hour="0,8")),
    "orders-outbox-sweep": _per_tenant("orders.outbox_sweep", 60.0),
    "orders-poll-open": _per_tenant("orders.poll_open", float(ORDERS_POLL_INTERVAL_SECONDS)),
    # SIP instalments: child orders taken in, missed ones recorded, finished SIPs completed (IST mornings)
    "orders-sip-instalments": _per_tenant("orders.sip_instalments_process", crontab(minute=10, hour="3,9,13")),
    "orders-idempotency-purge": _per_tenant("orders.idempotency_purge", crontab(minute=20, hour=2)),
    # registrar feeds: the drop folders, and end of day (IST) with the operations summary
    "reconciliation-drop-folder": _per_tenant("reconciliation.drop_folder_scan", crontab(minute="*/15")),
    "reconciliation-eod": _per_tenant("reconciliation.eod", crontab(minute=30, hour=21)),
    # statements past REPORTS_STATEMENT_RETENTION_DAYS, rows and PDFs
    "reports-statements-purge": _per_tenant("reports.statements_purge", crontab(minute=40, hour=3)),
    # fund data is shared: the import runs once, in the public schema
    "funds-import-amfi-navs": {
        "task": "funds.import_amfi_navs",
        "schedule": crontab(minute=FUNDS_NAV_IMPORT_MINUTE, hour=FUNDS_NAV_IMPORT_HOURS),
    },
    # BSE's scheme master (FUNDS_BSE_SCHEME_MASTER_URL), after the evening NAV import has added new schemes
    "funds-import-bse-scheme-master": {
        "task": "funds.import_bse_scheme_master",
        "schedule": crontab(minute=env("FUNDS_BSE_MASTER_IMPORT_MINUTE", default="50"), hour="23"),
    },
}
