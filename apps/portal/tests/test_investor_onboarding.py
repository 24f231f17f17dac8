"""The investor page's onboarding card: the checklist the investor sees, a KYC re-check at the KRA (audited;
relationship managers only for their own investors), and staff review items resolved with a note."""

from datetime import date
from unittest import mock

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.kyc.interface import KycResult
from apps.accounts.models import Investor, InvestorReview, KycStatus
from apps.core.models import AuditLog
from tests.factories import make_investor, pan_with

pytestmark = pytest.mark.django_db

KYC_CHECK = "apps.accounts.services.kyc.kyc_provider"


class _Kra:
    """A KRA that verifies the PAN under the name it is given."""

    name = "test"

    def __init__(self, name: str):
        self.holder = name
        self.calls = 0

    def pan_status(self, lookup):
        self.calls += 1
        return KycResult(pan=lookup.pan, status=KycStatus.VERIFIED, name=self.holder, checked_at=timezone.now())


def _investor(tenant, **fields):
    investor = make_investor(tenant, full_name="Meera Pillai", pan=pan_with("1212"), kyc_status="pending", **fields)
    with tenant_context(tenant):
        Investor.objects.filter(pk=investor.pk).update(date_of_birth=date(1985, 3, 1))
    return investor


def test_staff_see_the_investors_checklist_on_the_investor_page(tenant_alpha, staff_client):
    investor = _investor(tenant_alpha)
    page = staff_client(tenant_alpha, role="owner").get(f"/portal/investors/{investor.public_id}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="investor-onboarding"' in body
    assert 'data-step="kyc" data-state="todo"' in body and "Under process" in body
    assert 'data-testid="staff-kyc-check"' in body


def test_operations_recheck_kyc_and_it_is_audited(tenant_alpha, staff_client):
    investor = _investor(tenant_alpha)
    client = staff_client(tenant_alpha, role="operations")
    kra = _Kra("MEERA PILLAI")
    with mock.patch(KYC_CHECK, return_value=kra):
        response = client.post(f"/portal/investors/{investor.public_id}/kyc-check/")
    assert response.status_code == 302 and kra.calls == 1
    with tenant_context(tenant_alpha):
        assert Investor.objects.get(pk=investor.pk).kyc_status == "verified"
        audit = AuditLog.objects.get(action="kyc.recheck_requested", target_id=str(investor.pk))
        assert audit.actor_id == client.member.user_id


def test_a_relationship_manager_rechecks_only_their_own_investors(tenant_alpha, staff_client):
    rm = staff_client(tenant_alpha, role="rm")
    mine = _investor(tenant_alpha, relationship_manager=rm.member)
    theirs = _investor(tenant_alpha)
    kra = _Kra("MEERA PILLAI")
    with mock.patch(KYC_CHECK, return_value=kra):
        assert rm.post(f"/portal/investors/{theirs.public_id}/kyc-check/").status_code == 404
        assert kra.calls == 0
        assert rm.post(f"/portal/investors/{mine.public_id}/kyc-check/").status_code == 302
    assert kra.calls == 1
    viewer = staff_client(tenant_alpha, role="read_only")
    assert viewer.post(f"/portal/investors/{mine.public_id}/kyc-check/").status_code == 403


def test_a_kyc_mismatch_is_a_review_item_staff_resolve_with_a_note(tenant_alpha, staff_client):
    investor = _investor(tenant_alpha)
    client = staff_client(tenant_alpha, role="operations")
    with mock.patch(KYC_CHECK, return_value=_Kra("MEERA NAIR")):
        client.post(f"/portal/investors/{investor.public_id}/kyc-check/")
    with tenant_context(tenant_alpha):
        review = InvestorReview.objects.get(investor=investor, resolved_at=None)
        assert Investor.objects.get(pk=investor.pk).kyc_status == "on_hold"
    page = client.get(f"/portal/investors/{investor.public_id}/").content.decode()
    assert 'data-testid="investor-reviews"' in page and "MEERA NAIR" in page

    url = f"/portal/investors/{investor.public_id}/reviews/{review.public_id}/resolve/"
    assert client.post(url, {"resolution": "ok"}).status_code == 302  # too short: refused with a message
    with tenant_context(tenant_alpha):
        assert InvestorReview.objects.get(pk=review.pk).resolved_at is None
    client.post(url, {"resolution": "Investor married; PAN name update filed"})
    with tenant_context(tenant_alpha):
        resolved = InvestorReview.objects.get(pk=review.pk)
    assert resolved.resolved_at is not None and resolved.resolved_by_id == client.member.user_id


def test_review_items_of_another_distributor_or_book_are_404(tenant_alpha, tenant_beta, staff_client):
    investor = _investor(tenant_alpha)
    with tenant_context(tenant_alpha):
        review = InvestorReview.objects.create(investor=investor, kind="pan_duplicate", detail="x")
    url = f"/portal/investors/{investor.public_id}/reviews/{review.public_id}/resolve/"
    rm = staff_client(tenant_alpha, role="rm")
    assert rm.post(url, {"resolution": "not my investor"}).status_code == 404
    beta = staff_client(tenant_beta, role="owner")
    assert beta.post(url, {"resolution": "another distributor"}).status_code == 404
    with tenant_context(tenant_alpha):
        assert InvestorReview.objects.get(pk=review.pk).resolved_at is None
