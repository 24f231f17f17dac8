"""Celery tasks of the reports app, routed to the statements queue (settings.CELERY_TASK_ROUTES): thin,
ids in. They run in the schema they were sent from (tenant-schemas-celery)."""

from celery import shared_task

from apps.reports.rendering import statement_render


@shared_task(name="reports.statement_render", acks_late=True)
def statement_render_task(statement_id: int) -> str:
    return statement_render(statement_id=statement_id).status
