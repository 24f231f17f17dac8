from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor, OtpChallenge
from apps.accounts.otp import OTP_MAX_ATTEMPTS, OtpError, otp_issue, otp_verify
from tests.factories import make_investor, unique
from tests.messages import otp_code_sent_to


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs the after-commit sends (the notifier) of whatever happens inside."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture


def test_otp_is_stored_hashed_and_expires_after_five_minutes(tenant_alpha, sent):
    with tenant_context(tenant_alpha):
        target = f"{unique('otp')}@example.test"
        with sent():
            challenge = otp_issue(purpose="login", channel="email", target=target)
        code = otp_code_sent_to(target)
        stored = OtpChallenge.objects.get(pk=challenge.pk)
        assert code not in stored.code_hash
        assert timedelta(minutes=4, seconds=59) < stored.expires_at - stored.created_at <= timedelta(minutes=5)
        OtpChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        with pytest.raises(OtpError) as excinfo:
            otp_verify(challenge_id=challenge.public_id, code=code, purpose="login")
        assert excinfo.value.code == "otp_expired"


def test_otp_allows_five_attempts_then_locks(tenant_alpha, sent):
    with tenant_context(tenant_alpha):
        target = f"{unique('otp')}@example.test"
        with sent():
            challenge = otp_issue(purpose="login", channel="email", target=target)
        code = otp_code_sent_to(target)
        wrong = "000000" if code != "000000" else "111111"
        for attempt in range(OTP_MAX_ATTEMPTS):
            with pytest.raises(OtpError) as excinfo:
                otp_verify(challenge_id=challenge.public_id, code=wrong, purpose="login")
            assert excinfo.value.code == "otp_wrong"
            assert excinfo.value.extra["attempts_left"] == OTP_MAX_ATTEMPTS - attempt - 1
        with pytest.raises(OtpError) as excinfo:
            otp_verify(challenge_id=challenge.public_id, code=code, purpose="login")
        assert excinfo.value.code == "otp_locked"


def test_fourth_code_in_ten_minutes_answers_429_with_retry_after(alpha_api, sent):
    target = f"{unique('reg')}@example.test"
    for _ in range(3):
        with sent():
            response = alpha_api.post("/api/v1/register/otp", {"identifier": target}, format="json")
        assert response.status_code == 202
        assert response.json()["sent_to"] != target  # masked
    response = alpha_api.post("/api/v1/register/otp", {"identifier": target}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "otp_rate_limited"
    assert 0 < int(response["Retry-After"]) <= 600


def test_registration_with_a_mobile_number_and_a_code(alpha_api, tenant_alpha, sent):
    mobile = "+9198" + unique("")[-8:].translate(str.maketrans("abcdef", "123456"))
    with sent():
        otp = alpha_api.post("/api/v1/register/otp", {"identifier": mobile[3:]}, format="json")
    assert otp.status_code == 202
    assert otp.json()["channel"] == "sms"
    code = otp_code_sent_to(mobile)
    response = alpha_api.post(
        "/api/v1/register",
        {"challenge_id": otp.json()["challenge_id"], "code": code, "full_name": "Meera Pillai"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["mobile"] == mobile
    assert body["kyc_status"] == "not_started"
    with tenant_context(tenant_alpha):
        investor = Investor.objects.get(public_id=body["id"])
        assert investor.user.mobile == mobile
        assert not investor.user.has_usable_password()
    # the code is spent: it cannot register a second account
    again = alpha_api.post(
        "/api/v1/register",
        {"challenge_id": otp.json()["challenge_id"], "code": code, "full_name": "Meera Pillai"},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["code"] == "otp_used"


def test_registration_for_an_existing_account_is_refused_after_the_code(alpha_api, tenant_alpha, sent):
    investor = make_investor(tenant_alpha)
    with sent():
        otp = alpha_api.post("/api/v1/register/otp", {"identifier": investor.user.email}, format="json")
    assert otp.status_code == 202  # nothing revealed before the code is proven
    response = alpha_api.post(
        "/api/v1/register",
        {"challenge_id": otp.json()["challenge_id"], "code": otp_code_sent_to(investor.user.email), "full_name": "X"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "account_exists"


def test_invalid_identifier_is_refused(alpha_api):
    response = alpha_api.post("/api/v1/register/otp", {"identifier": "12345"}, format="json")
    assert response.status_code == 400
    assert "identifier" in response.json()["extra"]["fields"]
