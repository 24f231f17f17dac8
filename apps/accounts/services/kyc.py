"""KYC at the KRA: a check after commit whenever the PAN is set or changed, rechecks of open ones."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.kyc.interface import KycLookup, KycProvider, KycProviderError, KycResult
from apps.accounts.kyc.matching import person_check
from apps.accounts.kyc.registry import kyc_provider
from apps.accounts.models import (
    Investor,
    InvestorReview,
    KycStatus,
)
from apps.accounts.services.reviews import investor_review_open
from apps.core.audit import audit_record
from apps.core.logging import mask_pan
from config.celery import app as celery_app

KYC_CHECK_TASK = "accounts.kyc_check_investor"
KYC_NOTICE_TASK = "notifications.kyc_changed"  # the investor hears of the change (apps.notifications)


# --- KYC ------------------------------------------------------------------------------------------------


def kyc_check_after_commit(*, investor: Investor) -> None:
    """Starts the KRA check after commit. The task is sent by its registered name: the tasks import the
    services, never the other way round."""
    investor_id = investor.pk
    transaction.on_commit(lambda: celery_app.tasks[KYC_CHECK_TASK].delay(investor_id))


def investor_kyc_check(*, investor: Investor, provider: KycProvider | None = None) -> Investor:
    """Asks the KRA for the investor's PAN status and records it. A provider fault leaves the status
    as it was and is raised (KycProviderError; `transient` says whether to try again)."""
    if not investor.pan:
        return investor
    provider = provider or kyc_provider()
    pan = investor.pan
    try:
        result = provider.pan_status(KycLookup(pan=pan, date_of_birth=investor.date_of_birth))
    except KycProviderError as exc:
        audit_record(
            action="kyc.check_failed",
            actor_label=f"kyc:{provider.name}",
            target=investor,
            extra={"pan": mask_pan(pan), "error": str(exc), "transient": exc.transient},
        )
        raise
    with transaction.atomic():
        investor = Investor.objects.select_for_update().select_related("user").get(pk=investor.pk)
        if investor.pan != pan:
            return investor  # the PAN changed while we asked; its own check is on its way
        status, reason = _bound_to_person(investor=investor, result=result)
        previous = investor.kyc_status
        investor.kyc_status = status
        investor.kyc_reason = reason
        investor.kyc_source_code = result.source_code
        investor.kyc_checked_at = result.checked_at or timezone.now()
        investor.save(update_fields=["kyc_status", "kyc_reason", "kyc_source_code", "kyc_checked_at", "updated_at"])
        if previous != status:
            audit_record(
                action="kyc.status_changed",
                actor_label=f"kyc:{provider.name}",
                target=investor,
                extra={"pan": mask_pan(pan), "from": previous, "to": status, "code": result.source_code},
            )
            label = KycStatus(status).label
            reason = reason or ("You can invest now." if status == KycStatus.VERIFIED else "")
            investor_id = investor.pk
            transaction.on_commit(lambda: celery_app.tasks[KYC_NOTICE_TASK].delay(investor_id, label, reason))
    return investor


def _bound_to_person(*, investor: Investor, result: KycResult) -> tuple[str, str]:
    """A KRA "verified" counts only for the person of the profile (apps.accounts.kyc.matching has the
    rule): on a mismatch the KYC is on hold, the investor is told why, and a staff review item opens."""
    if result.status != KycStatus.VERIFIED:
        return result.status, result.reason
    check = person_check(
        profile_name=investor.full_name,
        profile_dob=investor.date_of_birth,
        kra_name=result.name,
        kra_dob=result.date_of_birth,
    )
    if check.matches:
        return KycStatus.VERIFIED, ""
    investor_review_open(
        investor=investor,
        kind=InvestorReview.Kind.KYC_MISMATCH,
        detail=f"{check.problem} Profile: {investor.full_name}; KRA: {result.name or 'no name'}.",
    )
    return KycStatus.ON_HOLD, check.problem


def kyc_recheck_due_ids(*, now=None) -> list[int]:
    """Investors whose KYC is still open at the KRA (pending or on hold) and was not asked recently."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.KYC_RECHECK_AFTER_SECONDS)
    return list(
        Investor.objects.filter(pan__isnull=False, kyc_status__in=[KycStatus.PENDING, KycStatus.ON_HOLD])
        .exclude(kyc_checked_at__gt=cutoff)
        .order_by("kyc_checked_at", "id")
        .values_list("id", flat=True)
    )
