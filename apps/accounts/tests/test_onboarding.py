"""The onboarding checklist through the API (GET /api/v1/me/onboarding), a PAN held twice going to staff
review, the PAN change limit, and order refusals naming the step that fixes them."""

import uuid
from datetime import date

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from apps.accounts.models import BankAccount, Investor, InvestorReview, KycStatus
from apps.core.models import AuditLog
from tests.clients import staff_api
from tests.factories import make_investor, make_staff, pan_with
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.django_db


def api_for(investor) -> APIClient:
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


def _states(api) -> dict[str, str]:
    body = api.get("/api/v1/me/onboarding").json()
    return {step["key"]: step["state"] for step in body["steps"]}


def test_a_new_investor_sees_every_step_in_order_with_kyc_blocked(tenant_alpha):
    investor = make_investor(tenant_alpha, full_name="Kavya Shah")

    body = api_for(investor).get("/api/v1/me/onboarding").json()

    assert [s["key"] for s in body["steps"]] == ["profile", "kyc", "bank", "nomination", "fatca"]
    assert body["complete"] is False and body["next_step"] == "profile"
    states = {s["key"]: s for s in body["steps"]}
    assert states["profile"]["state"] == "todo" and "your PAN" in states["profile"]["message"]
    assert states["kyc"]["state"] == "blocked"
    assert {states[k]["state"] for k in ("bank", "nomination", "fatca")} == {"todo"}


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (KycStatus.PENDING, "Under process"),
        (KycStatus.ON_HOLD, "On hold"),
        (KycStatus.REJECTED, "Rejected"),
        (KycStatus.NOT_STARTED, "Not found"),
    ],
)
def test_each_kra_status_is_said_in_plain_words_with_what_to_do(tenant_alpha, status, words):
    investor = make_investor(tenant_alpha, pan=pan_with("2222"), kyc_status=status, kyc_reason="Address proof blurred")
    with tenant_context(tenant_alpha):
        Investor.objects.filter(pk=investor.pk).update(date_of_birth=date(1990, 1, 1))

    kyc = next(s for s in api_for(investor).get("/api/v1/me/onboarding").json()["steps"] if s["key"] == "kyc")

    assert kyc["state"] == "todo"
    assert kyc["message"].startswith(words) and "check again" in kyc["message"].lower()
    if status in (KycStatus.ON_HOLD, KycStatus.REJECTED):
        assert "Address proof blurred" in kyc["message"]


def test_the_checklist_is_complete_once_every_step_is_done(tenant_alpha):
    investor = make_investor(tenant_alpha, full_name="Kavya Shah", pan=pan_with("1111"), kyc_status="verified")
    with tenant_context(tenant_alpha):
        Investor.objects.filter(pk=investor.pk).update(
            date_of_birth=date(1990, 1, 1), occupation="professional", address_line1="1 MG Road", city="Pune",
            state="Maharashtra", pincode="411001", nomination_opted_out=True, fatca_declared_at=timezone.now(),
        )  # fmt: skip
        BankAccount.objects.create(investor=investor, account_number="12345678901", ifsc="HDFC0001234", is_primary=True)

    body = api_for(investor).get("/api/v1/me/onboarding").json()

    assert body["complete"] is True and body["next_step"] is None
    assert {s["state"] for s in body["steps"]} == {"done"}


def test_onboarding_needs_an_investor_signed_in(tenant_alpha, alpha_api):
    assert alpha_api.get("/api/v1/me/onboarding").status_code == 401
    staff = make_staff(tenant_alpha, role="owner")
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(staff.user)
    assert client.get("/api/v1/me/onboarding").status_code == 404


def test_a_pan_another_investor_holds_goes_to_staff_review(tenant_alpha):
    pan = pan_with("3141")
    make_investor(tenant_alpha, pan=pan)
    investor = make_investor(tenant_alpha, full_name="Second Account")

    response = api_for(investor).patch("/api/v1/me", {"pan": pan, "city": "Pune"}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "pan_taken"
    assert "asked your distributor" in response.json()["message"]
    with tenant_context(tenant_alpha):
        investor.refresh_from_db()
        assert investor.pan is None and investor.city == ""  # nothing of the update kept
        review = InvestorReview.objects.get(investor=investor)
        assert review.kind == "pan_duplicate" and pan not in review.detail and "XXXXX3141X" in review.detail
    kyc = next(s for s in api_for(investor).get("/api/v1/me/onboarding").json()["steps"] if s["key"] == "kyc")
    assert kyc["state"] == "blocked"


def test_an_invitation_with_a_pan_already_held_opens_a_review_instead_of_dropping_it_silently(
    tenant_alpha, django_capture_on_commit_callbacks
):
    pan = pan_with("2718")
    api = staff_api(make_staff(tenant_alpha, role="owner"))
    link = api.post(
        "/api/v1/staff/invitations", {"full_name": "Ravi Iyer", "mobile": "+919812300088", "pan": pan}, format="json"
    ).json()["link"]
    # meanwhile another investor registers with the invited PAN
    make_investor(tenant_alpha, pan=pan)
    token = link.rstrip("/").rsplit("/", 1)[1]
    anonymous = APIClient(HTTP_HOST="alpha.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        sent = anonymous.post(f"/api/v1/invitations/{token}/otp", {}, format="json")
    accepted = anonymous.post(
        f"/api/v1/invitations/{token}/accept",
        {"challenge_id": sent.json()["challenge_id"], "code": otp_code_sent_to("+919812300088")},
        format="json",
    )

    assert accepted.status_code == 201 and accepted.json()["pan"] is None
    with tenant_context(tenant_alpha):
        review = InvestorReview.objects.get(investor__public_id=accepted.json()["id"])
    assert review.kind == "pan_duplicate" and review.resolved_at is None


def test_pan_changes_are_limited_per_investor(tenant_alpha):
    investor = make_investor(tenant_alpha)
    api = api_for(investor)
    pans = [pan_with(digits) for digits in ("4001", "4002", "4003")]
    for pan in pans:
        assert api.patch("/api/v1/me", {"pan": pan}, format="json").status_code == 200

    fourth = api.patch("/api/v1/me", {"pan": pan_with("4004")}, format="json")

    assert fourth.status_code == 429 and fourth.json()["code"] == "pan_change_limit"
    with tenant_context(tenant_alpha):
        investor.refresh_from_db()
        assert investor.pan == pans[-1]
        assert AuditLog.objects.filter(action="investor.pan_changed", target_id=str(investor.pk)).count() == 3
    # other details can still change
    assert api.patch("/api/v1/me", {"city": "Pune"}, format="json").status_code == 200


def test_an_order_refused_for_a_missing_step_names_it(tenant_alpha):
    from tests.factories import SchemeFactory

    scheme = SchemeFactory(orderable=True)
    pending = make_investor(tenant_alpha, pan=pan_with("5555"), kyc_status="pending")
    no_bank = make_investor(tenant_alpha, verified=True, mobile="+919812300099")
    payload = {"kind": "purchase", "scheme": scheme.amfi_code, "amount": "1000"}

    kyc = api_for(pending).post("/api/v1/orders", payload, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    bank = api_for(no_bank).post("/api/v1/orders", payload, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    assert kyc.status_code == 422 and kyc.json()["extra"]["step"] == "kyc"
    assert bank.status_code == 422 and bank.json()["extra"]["step"] == "bank"
