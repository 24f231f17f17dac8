"""What staff do from the investor page's onboarding card (the checklist the investor sees, built in
views._investor_onboarding): a KYC re-check at the KRA, and resolving staff review items (KYC details not
matching, a PAN held twice). Relationship managers reach only their own book: investors come through
access_investor_by_id."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.accounts.kyc.interface import KycProviderError
from apps.accounts.permissions import Capability
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError
from apps.portal.views import PortalView


class InvestorKycCheckView(PortalView):
    nav = "investors"
    capability = Capability.KYC_RECHECK

    def post(self, request, public_id):
        investor = accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)
        back = redirect(reverse("portal:investor", args=[investor.public_id]) + "#onboarding")
        if not investor.pan:
            messages.error(request, "This investor has not given a PAN yet.")
            return back
        audit_record(action="kyc.recheck_requested", actor=request.user, target=investor)
        try:
            investor = accounts_services.investor_kyc_check(investor=investor)
        except KycProviderError:
            messages.error(request, "The KRA is not answering. Try again in a few minutes.")
            return back
        messages.success(request, f"Asked the KRA: KYC is {investor.get_kyc_status_display().lower()}.")
        return back


class InvestorReviewResolveView(PortalView):
    nav = "investors"
    capability = Capability.KYC_RECHECK

    def post(self, request, public_id, review_id):
        investor = accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)
        review = accounts_selectors.access_investor_review_by_id(staff=request.staff, public_id=review_id)
        if review.investor_id != investor.pk:
            return redirect(reverse("portal:investor", args=[investor.public_id]))
        try:
            accounts_services.investor_review_resolve(
                review=review, staff=request.staff, resolution=request.POST.get("resolution", "")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Review item resolved, with your note on record.")
        return redirect(reverse("portal:investor", args=[investor.public_id]) + "#onboarding")
