"""KycProvider over a KRA's PAN inquiry."""

from django.conf import settings
from django.utils import timezone

from apps.accounts.kyc.interface import KycLookup, KycProvider, KycResult
from apps.accounts.kyc.kra import consts
from apps.accounts.kyc.kra.client import KraClient
from apps.accounts.models import KycStatus


class KraKycProvider(KycProvider):
    name = "kra"

    def __init__(self, client: KraClient | None = None):
        self.client = client or KraClient(
            base_url=settings.KRA_BASE_URL,
            username=settings.KRA_USERNAME,
            password=settings.KRA_PASSWORD,
            pos_code=settings.KRA_POS_CODE,
            timeout=settings.KRA_TIMEOUT_SECONDS,
            max_attempts=settings.KRA_MAX_ATTEMPTS,
        )

    def pan_status(self, lookup: KycLookup) -> KycResult:
        dob = lookup.date_of_birth.strftime("%d-%m-%Y") if lookup.date_of_birth else ""
        record = self.client.pan_inquiry(pan=lookup.pan, dob=dob)
        status, default_reason = consts.STATUS_MAP.get(
            record.status_code, (KycStatus.PENDING, f"KRA status {record.status_code or 'unknown'}.")
        )
        reason = "" if status == KycStatus.VERIFIED else (record.remarks or default_reason)
        return KycResult(
            pan=lookup.pan,
            status=status,
            reason=reason[:300],
            name=record.name,
            date_of_birth=record.date_of_birth,
            source_code=record.status_code,
            checked_at=timezone.now(),
        )
