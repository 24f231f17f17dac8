from celery import shared_task

from config.celery import app
from tenants.schema_template import spare_schemas_replenish
from tenants.selectors import distributor_list_active

FAN_OUT_TASK = "tenants.fan_out_to_tenants"


@shared_task(name=FAN_OUT_TASK)
def fan_out_to_tenants(task_name: str, kwargs: dict | None = None) -> int:
    """Runs the named task once in each active distributor's schema (for celery-beat entries that do
    per-tenant work, and platform-wide events such as a NAV import). Returns how many it was sent to."""
    sent = 0
    for distributor in distributor_list_active():
        with distributor:  # the task is stamped with this schema and runs there
            app.send_task(task_name, kwargs=kwargs or {})
        sent += 1
    return sent


@shared_task(name="tenants.spare_schemas_replenish")
def spare_schemas_replenish_task() -> int:
    """Makes the spare schemas that the next onboardings will take (runs in the public schema)."""
    return spare_schemas_replenish()
