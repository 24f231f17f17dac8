"""Celery tasks of the portal: thin; each runs in the tenant schema it was sent for."""

from celery import shared_task

from apps.portal import services

AUM_SNAPSHOT_TASK = "portal.aum_snapshot"


@shared_task(name=AUM_SNAPSHOT_TASK)
def aum_snapshot_task() -> str:
    return str(services.aum_snapshot_record().aum)
