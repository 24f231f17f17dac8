"""Staff review items: opened by the services when something about an investor needs a person (the KRA's
name or date of birth not matching, a PAN held by another investor), resolved by staff with a note."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Investor, InvestorReview, StaffMember
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError


def investor_review_open(*, investor: Investor, kind: str, detail: str) -> InvestorReview:
    """Opens a review item, or returns the open one of the same kind (its detail brought up to date)."""
    with transaction.atomic():
        review = (
            InvestorReview.objects.select_for_update().filter(investor=investor, kind=kind, resolved_at=None).first()
        )
        if review is not None:
            if review.detail != detail[:300]:
                review.detail = detail[:300]
                review.save(update_fields=["detail", "updated_at"])
            return review
        try:
            with transaction.atomic():
                review = InvestorReview.objects.create(investor=investor, kind=kind, detail=detail[:300])
        except IntegrityError:  # opened concurrently
            return InvestorReview.objects.get(investor=investor, kind=kind, resolved_at=None)
        audit_record(action="investor.review_opened", target=investor, extra={"kind": kind, "detail": detail[:300]})
    return review


def investor_review_resolve(*, review: InvestorReview, staff: StaffMember, resolution: str) -> InvestorReview:
    """A staff member who may re-check KYC closes an item (fetched through access_investor_review_by_id)."""
    if not role_has_capability(staff.role, Capability.KYC_RECHECK):
        raise ApplicationError("You may not resolve review items.", code="permission_denied", status_code=403)
    resolution = (resolution or "").strip()
    if len(resolution) < 5:
        raise ApplicationError(
            "Say how it was resolved (a few words).",
            code="validation_error",
            extra={"fields": {"resolution": ["Say how it was resolved (a few words)."]}},
        )
    with transaction.atomic():
        review = InvestorReview.objects.select_for_update().get(pk=review.pk)
        if review.resolved_at is not None:
            raise ConflictError("This item was resolved already.", code="review_resolved")
        review.resolved_at, review.resolved_by, review.resolution = timezone.now(), staff.user, resolution[:300]
        review.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
        audit_record(
            action="investor.review_resolved",
            actor=staff.user,
            target=review.investor,
            extra={"kind": review.kind, "resolution": resolution[:300]},
        )
    return review
