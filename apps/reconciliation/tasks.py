"""Celery tasks: thin; each runs in the schema it was fanned out to (core.fan_out_to_tenants)."""

from celery import shared_task


@shared_task(name="reconciliation.drop_folder_scan")
def drop_folder_scan() -> dict:
    from apps.reconciliation.services.dropfolder import drop_folder_scan as scan

    result = scan()
    return {"imported": len(result.imported), "refused": len(result.refused)}


@shared_task(name="reconciliation.eod")
def eod() -> dict:
    from apps.reconciliation.services.eod import eod_run

    result = eod_run()
    return {"unconfirmed": result.unconfirmed, "open": result.open_by_cause, "mailed_to": result.mailed_to}
