"""Celery tasks of the portfolio app: thin, ids in, a service does the work. They run in the schema
they were sent from (tenant-schemas-celery)."""

from celery import shared_task
from django.conf import settings

from apps.core.limits import address_space_limit
from apps.portfolio.services import book, valuation
from apps.portfolio.services.cas_import import cas_import_process


@shared_task(name=valuation.VALUATIONS_REFRESH_TASK)
def valuations_refresh_for_schemes_task(scheme_ids: list[int]) -> int:
    return valuation.valuations_refresh_for_schemes(scheme_ids=scheme_ids)


@shared_task(name="portfolio.valuations_refresh_stale")
def valuations_refresh_stale_task() -> int:
    return valuation.valuations_refresh_stale()


@shared_task(
    bind=True,
    name="portfolio.cas_import_process",
    acks_late=True,
    # routed to the imports queue (CELERY_TASK_ROUTES): a slow or hostile PDF never holds up orders
    soft_time_limit=settings.CAS_IMPORT_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.CAS_IMPORT_SOFT_TIME_LIMIT_SECONDS + 30,
)
def cas_import_process_task(self, import_id: int) -> str:
    # in-process (eager) runs share the caller's process: no cap there
    limit = None if self.request.is_eager else settings.CAS_IMPORT_MAX_MEMORY_BYTES
    with address_space_limit(limit):
        return cas_import_process(import_id=import_id).status


@shared_task(name=book.BOOK_SNAPSHOTS_TASK)
def book_snapshots_refresh_task(scope: str = "") -> int:
    return book.book_snapshots_refresh(scope=scope)
