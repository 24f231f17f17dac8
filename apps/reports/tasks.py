"""Celery tasks of the reports app, routed to the statements queue (settings.CELERY_TASK_ROUTES): thin,
ids in. They run in the schema they were sent from (tenant-schemas-celery)."""

from celery import shared_task

from apps.reports.rendering import statement_render, statements_purge_expired


@shared_task(name="reports.statement_render", acks_late=True)
def statement_render_task(statement_id: int) -> str:
    return statement_render(statement_id=statement_id).status


@shared_task(name="reports.statements_purge")
def statements_purge_task() -> int:
    return statements_purge_expired()
