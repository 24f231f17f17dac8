"""Celery tasks of the funds app: thin wrappers over the import services. They run in the public schema
(beat sends them without a tenant). A transient download failure is retried with backoff; a refused file
is not (the same file would be refused again): it is in the ImportRun and the logs."""

import logging

from celery import shared_task
from django.conf import settings

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.importers.bse_master import import_bse_scheme_master
from apps.funds.importers.history import import_amfi_nav_history
from apps.funds.sources import SourceUnavailable

logger = logging.getLogger(__name__)

RETRY_COUNTDOWN_SECONDS = 15 * 60


def _retry_transient(task, exc: SourceUnavailable):
    if exc.transient and task.request.retries < task.max_retries:
        raise task.retry(exc=exc, countdown=RETRY_COUNTDOWN_SECONDS * 2**task.request.retries)
    raise exc


@shared_task(name="funds.import_amfi_navs", bind=True, max_retries=3)
def import_amfi_navs_task(self, source: str = "") -> int:
    """Nightly: AMFI's NAVAll file from FUNDS_AMFI_NAV_URL (or the given path / URL)."""
    try:
        return import_amfi_navs(source=source or settings.FUNDS_AMFI_NAV_URL, actor_label="celery").pk
    except SourceUnavailable as exc:
        _retry_transient(self, exc)


@shared_task(name="funds.import_amfi_nav_history", bind=True, max_retries=3)
def import_amfi_nav_history_task(self, source: str) -> int:
    try:
        return import_amfi_nav_history(source=source, actor_label="celery").pk
    except SourceUnavailable as exc:
        _retry_transient(self, exc)


@shared_task(name="funds.import_bse_scheme_master", bind=True, max_retries=3)
def import_bse_scheme_master_task(self, source: str = "") -> int:
    """Nightly: BSE's scheme master from FUNDS_BSE_SCHEME_MASTER_URL (the sandbox BSE's in sandbox mode)."""
    try:
        return import_bse_scheme_master(source=source or settings.FUNDS_BSE_SCHEME_MASTER_URL, actor_label="celery").pk
    except SourceUnavailable as exc:
        _retry_transient(self, exc)
