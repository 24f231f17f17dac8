import logging

from celery import shared_task
from django.db import connection

logger = logging.getLogger(__name__)


@shared_task(name="core.tenant_heartbeat")
def tenant_heartbeat() -> str:
    """Per-tenant periodic job that proves the fan-out reaches each schema."""
    logger.info("tenant heartbeat")
    return connection.schema_name
