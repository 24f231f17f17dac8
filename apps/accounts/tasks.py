"""Celery tasks of apps.accounts: ids in, a service does the work. They run in the tenant schema they
were sent from (tenant-schemas-celery)."""

import logging

from celery import shared_task

from apps.accounts.kyc.interface import KycProviderError
from apps.accounts.models import Investor
from apps.accounts.services.kyc import investor_kyc_check, kyc_recheck_due_ids

logger = logging.getLogger(__name__)


@shared_task(name="accounts.kyc_check_investor", bind=True, max_retries=5)
def kyc_check_investor(self, investor_id: int) -> str | None:
    investor = Investor.objects.filter(pk=investor_id).first()
    if investor is None:
        return None
    try:
        return investor_kyc_check(investor=investor).kyc_status
    except KycProviderError as exc:
        if exc.transient:
            raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from None
        logger.warning("KYC check refused by the provider: %s", exc)
        return None


@shared_task(name="accounts.kyc_recheck_due")
def kyc_recheck_due() -> int:
    """Periodic (beat, per tenant): asks the KRA again about every pending or on-hold KYC."""
    ids = kyc_recheck_due_ids()
    for investor_id in ids:
        kyc_check_investor.delay(investor_id)
    return len(ids)
