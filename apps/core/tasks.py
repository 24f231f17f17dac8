import logging

from celery import shared_task
from django.db import connection

from config.celery import app

logger = logging.getLogger(__name__)


@shared_task(name="core.fan_out_to_tenants")
def fan_out_to_tenants(task_name: str, kwargs: dict | None = None) -> int:
    """Runs the named task once in each active distributor's schema (for celery-beat entries that do
    per-tenant work). Returns how many tenants it was sent to."""
    from tenants.selectors import distributor_list_active

    sent = 0
    for distributor in distributor_list_active():
        with distributor:  # the task is stamped with this schema and runs there
            app.send_task(task_name, kwargs=kwargs or {})
        sent += 1
    return sent


@shared_task(name="core.tenant_heartbeat")
def tenant_heartbeat() -> str:
    """Per-tenant periodic job that proves the fan-out reaches each schema."""
    logger.info("tenant heartbeat")
    return connection.schema_name
