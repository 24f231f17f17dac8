"""KYC through the KRA provider over loopback HTTP against the sandbox simulator (live server on the
platform host), and onboarding end to end: register with a code, give a PAN, KYC verified."""

import pytest
import requests
from django.test import override_settings
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from apps.accounts.kyc.interface import KycLookup, KycProviderError
from apps.accounts.kyc.kra.client import KraClient, parse_response
from apps.accounts.kyc.kra.provider import KraKycProvider
from apps.accounts.models import Investor, KycStatus
from apps.accounts.services.kyc import investor_kyc_check, kyc_recheck_due_ids
from apps.core.models import AuditLog
from apps.notifications.models import Notification
from tests.factories import make_investor, pan_with, unique
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.live


@pytest.fixture
def kra_url(live_server):
    return live_server.url("localhost", "/sandbox/kra/")


def provider(url: str, *, timeout: float = 5.0, attempts: int = 1) -> KraKycProvider:
    return KraKycProvider(
        client=KraClient(
            base_url=url,
            username="sandbox",
            password="sandbox",
            pos_code="SANDBOX",
            timeout=timeout,
            max_attempts=attempts,
        )
    )


@pytest.mark.parametrize(
    ("digits", "status", "reason_part"),
    [
        ("1234", KycStatus.VERIFIED, ""),
        ("2345", KycStatus.PENDING, "awaiting"),
        ("3456", KycStatus.ON_HOLD, "Address proof"),
        ("4567", KycStatus.REJECTED, "Signature"),
        ("5678", KycStatus.NOT_STARTED, "No KYC record"),
    ],
)
def test_kra_statuses_by_pan(kra_url, live_db, digits, status, reason_part):
    result = provider(kra_url).pan_status(KycLookup(pan=pan_with(digits)))
    assert result.status == status
    assert reason_part in result.reason
    assert result.source_code


def test_kra_server_error_is_transient(kra_url, live_db):
    with pytest.raises(KycProviderError) as excinfo:
        provider(kra_url, attempts=2).pan_status(KycLookup(pan=pan_with("9500")))
    assert excinfo.value.transient


def test_kra_timeout_is_transient(kra_url, live_db):
    with override_settings(SANDBOX_KRA_SLOW_SECONDS=1.0), pytest.raises(KycProviderError) as excinfo:
        provider(kra_url, timeout=0.3).pan_status(KycLookup(pan=pan_with("9408")))
    assert excinfo.value.transient
    assert "in time" in str(excinfo.value)


def test_kra_error_reply_is_permanent():
    body = (
        b'<?xml version="1.0"?><soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>'
        b'<PANValidationResponse xmlns="https://test.cvlkra.com/"><PANValidationResult><APP_REQ_ROOT><ERROR>'
        b"<ERROR_CODE>WEBERR-001</ERROR_CODE><ERROR_MSG>Invalid User ID</ERROR_MSG></ERROR></APP_REQ_ROOT>"
        b"</PANValidationResult></PANValidationResponse></soap12:Body></soap12:Envelope>"
    )
    with pytest.raises(KycProviderError) as excinfo:
        parse_response(body)
    assert not excinfo.value.transient
    assert "WEBERR-001" in str(excinfo.value)


def test_provider_fault_leaves_the_status_and_is_audited(kra_url, live_db):
    from tenants.models import Distributor

    alpha = Distributor.objects.get(schema_name="alpha")
    investor = make_investor(alpha, pan=pan_with("9500"), kyc_status=KycStatus.PENDING)
    with tenant_context(alpha):
        with pytest.raises(KycProviderError):
            investor_kyc_check(investor=investor, provider=provider(kra_url))
        investor.refresh_from_db()
        assert investor.kyc_status == KycStatus.PENDING
        assert AuditLog.objects.filter(action="kyc.check_failed", target_id=str(investor.pk)).exists()


def test_periodic_recheck_moves_pending_to_verified(kra_url, live_db, celery_eager):
    from tenants.models import Distributor

    alpha = Distributor.objects.get(schema_name="alpha")
    pan = pan_with("2468")
    investor = make_investor(alpha, pan=pan, kyc_status=KycStatus.NOT_STARTED)
    kra = provider(kra_url)
    with tenant_context(alpha):
        investor_kyc_check(investor=investor, provider=kra)
        investor.refresh_from_db()
        assert investor.kyc_status == KycStatus.PENDING
        # not due again straight away
        assert investor.pk not in kyc_recheck_due_ids()
        Investor.objects.filter(pk=investor.pk).update(kyc_checked_at=investor.kyc_checked_at.replace(year=2020))
        assert investor.pk in kyc_recheck_due_ids()

    # meanwhile the KRA verifies the KYC (of the person of the profile)
    response = requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "TEST INVESTOR"}, timeout=5)
    assert response.status_code == 200

    with tenant_context(alpha):
        for investor_id in kyc_recheck_due_ids():
            if investor_id == investor.pk:
                investor_kyc_check(investor=Investor.objects.get(pk=investor_id), provider=kra)
        investor.refresh_from_db()
        assert investor.kyc_status == KycStatus.VERIFIED
        assert investor.kyc_reason == ""
        assert investor.pk not in kyc_recheck_due_ids()
        assert Notification.objects.filter(investor=investor, event="kyc_changed").exists()
        changes = AuditLog.objects.filter(action="kyc.status_changed", target_id=str(investor.pk))
        assert changes.count() == 2
        assert pan not in str(list(changes.values_list("extra", flat=True)))  # masked


def test_onboarding_end_to_end_against_the_sandbox(kra_url, live_db, django_capture_on_commit_callbacks):
    api = APIClient(HTTP_HOST="alpha.localhost")
    email = f"{unique('onboard')}@example.test"
    with django_capture_on_commit_callbacks(execute=True):
        otp = api.post("/api/v1/register/otp", {"identifier": email}, format="json")
    assert otp.status_code == 202
    registered = api.post(
        "/api/v1/register",
        {"challenge_id": otp.json()["challenge_id"], "code": otp_code_sent_to(email), "full_name": "Onboard Test"},
        format="json",
    )
    assert registered.status_code == 201
    from apps.users.models import User
    from tenants.models import Distributor

    alpha = Distributor.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        user = User.objects.get(email=email)
    api.force_authenticate(user)
    with override_settings(KRA_BASE_URL=kra_url, KRA_MAX_ATTEMPTS=1):
        pan = pan_with("1357")
        updated = api.patch("/api/v1/me", {"pan": pan, "date_of_birth": "1990-06-15"}, format="json")
        assert updated.status_code == 200
        assert updated.json()["kyc_status"] == "pending"
        # the KRA holds this person under this PAN (the name in its own spelling and order)
        requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "TEST, ONBOARD"}, timeout=5)
        checked = api.post("/api/v1/me/kyc/check")
    assert checked.status_code == 200, checked.json()
    assert checked.json()["status"] == "verified"
    assert checked.json()["pan"] == "XXXXX1357X"
    assert api.get("/api/v1/me").json()["pan_locked"] is True
    assert "kyc" not in api.get("/api/v1/me/checklist").json()["missing"]


def test_kyc_check_answers_503_when_the_kra_is_down(kra_url, live_db):
    from tenants.models import Distributor

    alpha = Distributor.objects.get(schema_name="alpha")
    investor = make_investor(alpha, pan=pan_with("9500"))
    api = APIClient(HTTP_HOST="alpha.localhost")
    api.force_authenticate(investor.user)
    with override_settings(KRA_BASE_URL=kra_url, KRA_MAX_ATTEMPTS=1):
        response = api.post("/api/v1/me/kyc/check")
    assert response.status_code == 503
    assert response.json()["code"] == "kyc_unavailable"


def test_kyc_counts_only_for_the_person_of_the_profile(kra_url, live_db):
    """The KRA verifies the PAN, but under another name or date of birth: KYC stays on hold, the investor
    is told why in plain words, and staff get a review item; once the details match it is verified."""
    from apps.accounts.models import InvestorReview
    from tenants.models import Distributor

    alpha = Distributor.objects.get(schema_name="alpha")
    pan = pan_with("1468")
    investor = make_investor(alpha, full_name="Asha Rao", pan=pan, kyc_status=KycStatus.PENDING)
    with tenant_context(alpha):
        Investor.objects.filter(pk=investor.pk).update(date_of_birth="1990-06-15")
    api = APIClient(HTTP_HOST="alpha.localhost")
    api.force_authenticate(investor.user)
    with override_settings(KRA_BASE_URL=kra_url, KRA_MAX_ATTEMPTS=1):
        # given the KRA's record is of someone else
        requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "VIKRAM MEHTA"}, timeout=5)
        mismatch = api.post("/api/v1/me/kyc/check").json()
        step = next(s for s in api.get("/api/v1/me/onboarding").json()["steps"] if s["key"] == "kyc")
        # then
        assert mismatch["status"] == "on_hold"
        assert "name on your KYC record" in mismatch["reason"]
        assert step["state"] == "todo" and "Correct your name or date of birth" in step["message"]
        with tenant_context(alpha):
            review = InvestorReview.objects.get(investor=investor, resolved_at=None)
            assert review.kind == "kyc_mismatch" and "VIKRAM MEHTA" in review.detail
        # the same name but another date of birth
        requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "A. Rao", "dob": "16-06-1990"}, timeout=5)
        assert "date of birth" in api.post("/api/v1/me/kyc/check").json()["reason"]
        with tenant_context(alpha):
            assert InvestorReview.objects.filter(investor=investor).count() == 1  # one open item, not two
        # when the KRA's record is hers
        requests.post(f"{kra_url}pans/{pan}", json={"status": "02", "name": "RAO ASHA", "dob": "15-06-1990"}, timeout=5)
        verified = api.post("/api/v1/me/kyc/check").json()
    assert verified["status"] == "verified" and verified["reason"] == ""


def test_the_dashboards_kyc_flag_agrees_in_number():
    from apps.accounts.selectors import investor_kyc_attention

    one = investor_kyc_attention(kyc_counts={KycStatus.PENDING: 1})
    three = investor_kyc_attention(kyc_counts={KycStatus.PENDING: 2, KycStatus.ON_HOLD: 1})

    assert [(a["count"], a["label"]) for a in one] == [(1, "investor with KYC pending or on hold")]
    assert [(a["count"], a["label"]) for a in three] == [(3, "investors with KYC pending or on hold")]
