from celery import shared_task

from tenants.schema_template import spare_schemas_replenish


@shared_task(name="tenants.spare_schemas_replenish")
def spare_schemas_replenish_task() -> int:
    """Makes the spare schemas that the next onboardings will take (runs in the public schema)."""
    return spare_schemas_replenish()
