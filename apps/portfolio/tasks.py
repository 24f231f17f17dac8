"""Celery tasks of the portfolio app: thin, ids in, a service does the work. They run in the schema
they were sent from (tenant-schemas-celery)."""

from celery import shared_task

from apps.portfolio.services import valuation
from apps.portfolio.services.valuation import VALUATIONS_REFRESH_TASK


@shared_task(name=VALUATIONS_REFRESH_TASK)
def valuations_refresh_for_schemes_task(scheme_ids: list[int]) -> int:
    return valuation.valuations_refresh_for_schemes(scheme_ids=scheme_ids)


@shared_task(name="portfolio.valuations_refresh_stale")
def valuations_refresh_stale_task() -> int:
    return valuation.valuations_refresh_stale()


@shared_task(name="portfolio.cas_import_process", acks_late=True)
def cas_import_process_task(import_id: int) -> str:
    from apps.portfolio.services.cas_import import cas_import_process

    return cas_import_process(import_id=import_id).status
