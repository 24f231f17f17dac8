"""The investor's own data through the API: explicit writable fields, masked PAN, bank accounts with
the IFSC check, nominees, the checklist, and the object-level rule: another investor's ids are 404."""

import pytest
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from apps.accounts.models import BankAccount, Investor, Nominee
from tests.factories import make_investor, pan_with
from tests.messages import otp_code_sent_to


def api_for(investor) -> APIClient:
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


@pytest.fixture
def alice(tenant_alpha):
    return make_investor(tenant_alpha, full_name="Alice")


@pytest.fixture
def bob(tenant_alpha):
    return make_investor(tenant_alpha, full_name="Bob")


def test_me_shows_the_pan_masked(tenant_alpha):
    pan = pan_with("1234")
    investor = make_investor(tenant_alpha, pan=pan)
    body = api_for(investor).get("/api/v1/me").json()
    assert body["pan"] == "XXXXX1234X"
    assert pan not in str(body)


def test_me_updates_the_writable_fields(alice):
    response = api_for(alice).patch(
        "/api/v1/me",
        {"full_name": "Alice Mathew", "date_of_birth": "1988-02-29", "occupation": "professional", "pincode": "560001"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["full_name"], body["date_of_birth"], body["occupation"], body["pincode"]) == (
        "Alice Mathew",
        "1988-02-29",
        "professional",
        "560001",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"kyc_status": "verified"},
        {"is_staff": True},
        {"tenant": "beta"},
        {"kyc_reason": ""},
        {"user_id": "00000000-0000-0000-0000-000000000000"},
        {"full_name": "Mallory", "kyc_status": "verified"},
    ],
)
def test_me_refuses_fields_that_are_not_writable(tenant_alpha, alice, payload):
    response = api_for(alice).patch("/api/v1/me", payload, format="json")
    assert response.status_code == 400
    with tenant_context(tenant_alpha):
        alice.refresh_from_db()
        assert alice.kyc_status == "not_started"
        assert alice.full_name == "Alice"
        assert not alice.user.is_staff


def test_pan_is_locked_once_kyc_is_verified(tenant_alpha):
    investor = make_investor(tenant_alpha, pan=pan_with("1000"), kyc_status="verified")
    response = api_for(investor).patch("/api/v1/me", {"pan": pan_with("1001")}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "pan_locked"


def test_setting_a_pan_starts_kyc(tenant_alpha, alice, django_capture_on_commit_callbacks):
    pan = pan_with("2000")
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_for(alice).patch("/api/v1/me", {"pan": pan.lower()}, format="json")
    assert response.status_code == 200
    assert response.json()["kyc_status"] == "pending"
    assert len(callbacks) == 1  # the KYC check is queued after commit
    with tenant_context(tenant_alpha):
        assert Investor.objects.get(pk=alice.pk).pan == pan


def test_invalid_and_duplicate_pans_are_refused(tenant_alpha, alice, bob):
    assert api_for(alice).patch("/api/v1/me", {"pan": "ABCDE12345"}, format="json").status_code == 400
    pan = pan_with("2001")
    assert api_for(bob).patch("/api/v1/me", {"pan": pan}, format="json").status_code == 200
    response = api_for(alice).patch("/api/v1/me", {"pan": pan}, format="json")
    assert response.status_code == 409


def test_minor_date_of_birth_needs_minor_tax_status(alice):
    response = api_for(alice).patch("/api/v1/me", {"date_of_birth": "2015-01-01"}, format="json")
    assert response.status_code == 400
    ok = api_for(alice).patch("/api/v1/me", {"date_of_birth": "2015-01-01", "tax_status": "minor"}, format="json")
    assert ok.status_code == 200


def _bank_add(api, investor, capture, **details):
    """The two steps of adding an account: a code for these details, then the details with the code."""
    with capture(execute=True):
        sent = api.post("/api/v1/me/bank-accounts/otp", details, format="json")
    assert sent.status_code == 202, sent.json()
    code = otp_code_sent_to(investor.email)
    return api.post(
        "/api/v1/me/bank-accounts",
        {**details, "challenge_id": sent.json()["challenge_id"], "code": code},
        format="json",
    )


def _make_primary(api, investor, capture, account_id):
    with capture(execute=True):
        sent = api.post(f"/api/v1/me/bank-accounts/{account_id}/primary/otp")
    assert sent.status_code == 202, sent.json()
    payload = {"challenge_id": sent.json()["challenge_id"], "code": otp_code_sent_to(investor.email)}
    return api.post(f"/api/v1/me/bank-accounts/{account_id}/primary", payload, format="json")


def test_bank_accounts_check_the_ifsc_and_keep_one_primary(tenant_alpha, alice, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    api = api_for(alice)
    bad = api.post(
        "/api/v1/me/bank-accounts/otp", {"account_number": "12345678901", "ifsc": "HDFC1234567"}, format="json"
    )
    assert bad.status_code == 400
    assert "ifsc" in bad.json()["extra"]["fields"]
    first = _bank_add(api, alice, capture, account_number="12345678901", ifsc="hdfc0001234")
    assert first.status_code == 201
    assert first.json()["bank_name"] == "HDFC Bank"
    assert first.json()["is_primary"] is True
    assert first.json()["account_number"] == "XXXX8901"
    second = _bank_add(api, alice, capture, account_number="98765432109", ifsc="SBIN0000001")
    assert second.json()["is_primary"] is False
    assert _make_primary(api, alice, capture, second.json()["id"]).status_code == 200
    assert api.delete(f"/api/v1/me/bank-accounts/{second.json()['id']}").status_code == 204
    with tenant_context(tenant_alpha):
        remaining = BankAccount.objects.get(investor=alice)
        assert remaining.is_primary  # the primary moved back to the remaining account
    duplicate = api.post(
        "/api/v1/me/bank-accounts/otp", {"account_number": "12345678901", "ifsc": "HDFC0001234"}, format="json"
    )
    assert duplicate.status_code == 409


def test_adding_a_bank_account_or_making_it_primary_needs_the_code_for_it(
    tenant_alpha, alice, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    api = api_for(alice)
    details = {"account_number": "12345678901", "ifsc": "HDFC0001234"}
    # given a code asked for one account
    with capture(execute=True):
        sent = api.post("/api/v1/me/bank-accounts/otp", details, format="json")
    code = otp_code_sent_to(alice.email)
    assert "add the bank account ending 8901" in _last_message_to(alice.email)
    # when it is used for another account, or without a code
    other = {"account_number": "55556666777", "ifsc": "HDFC0001234"}
    swapped = api.post(
        "/api/v1/me/bank-accounts", {**other, "challenge_id": sent.json()["challenge_id"], "code": code}, format="json"
    )
    no_code = api.post("/api/v1/me/bank-accounts", details, format="json")
    # then nothing is added
    assert swapped.status_code == 400 and swapped.json()["code"] == "otp_invalid"
    assert no_code.status_code == 400
    with tenant_context(tenant_alpha):
        assert not BankAccount.objects.filter(investor=alice).exists()
    assert _bank_add(api, alice, capture, **details).status_code == 201
    second = _bank_add(api, alice, capture, account_number="98765432109", ifsc="SBIN0000001")
    # making it primary without its code is refused
    refused = api.post(
        f"/api/v1/me/bank-accounts/{second.json()['id']}/primary",
        {"challenge_id": sent.json()["challenge_id"], "code": code},
        format="json",
    )
    assert refused.status_code == 400
    with tenant_context(tenant_alpha):
        assert not BankAccount.objects.get(public_id=second.json()["id"]).is_primary


def _last_message_to(target: str) -> str:
    from apps.accounts.notifiers import LocmemNotifier

    return next(m.body for m in reversed(LocmemNotifier.outbox) if m.target == target.strip().lower())


def test_nominees_at_most_three_with_shares_adding_to_100(alice):
    api = api_for(alice)
    four = [{"name": f"N{i}", "relationship": "son", "share_percent": "25"} for i in range(4)]
    assert api.put("/api/v1/me/nominees", {"nominees": four}, format="json").status_code == 400
    short = [
        {"name": "A", "relationship": "spouse", "share_percent": "60"},
        {"name": "B", "relationship": "son", "share_percent": "30"},
    ]
    response = api.put("/api/v1/me/nominees", {"nominees": short}, format="json")
    assert response.status_code == 400
    assert "100" in response.json()["message"]
    minor = [{"name": "C", "relationship": "daughter", "share_percent": "100", "date_of_birth": "2018-05-05"}]
    assert api.put("/api/v1/me/nominees", {"nominees": minor}, format="json").status_code == 400
    three = [
        {"name": "A", "relationship": "spouse", "share_percent": "50"},
        {"name": "B", "relationship": "son", "share_percent": "33.33"},
        {
            "name": "C",
            "relationship": "daughter",
            "share_percent": "16.67",
            "date_of_birth": "2018-05-05",
            "guardian_name": "A",
        },
    ]
    ok = api.put("/api/v1/me/nominees", {"nominees": three}, format="json")
    assert ok.status_code == 200, ok.json()
    assert [n["share_percent"] for n in ok.json()["nominees"]] == ["50.00", "33.33", "16.67"]
    opt_out = api.put("/api/v1/me/nominees", {"opted_out": True}, format="json")
    assert opt_out.json() == {"opted_out": True, "nominees": []}


def test_another_investors_bank_accounts_and_nominees_are_404(tenant_alpha, alice, bob):
    with tenant_context(tenant_alpha):
        account = BankAccount.objects.create(
            investor=bob, account_number="11112222333", ifsc="ICIC0000001", is_primary=True
        )
        nominee = Nominee.objects.create(investor=bob, name="Bob's heir", relationship="son", share_percent=100)
    api = api_for(alice)
    assert api.get(f"/api/v1/me/bank-accounts/{account.public_id}").status_code == 404
    assert api.delete(f"/api/v1/me/bank-accounts/{account.public_id}").status_code == 404
    assert api.post(f"/api/v1/me/bank-accounts/{account.public_id}/primary").status_code == 404
    assert api.post(f"/api/v1/me/bank-accounts/{account.public_id}/primary/otp").status_code == 404
    assert api.get(f"/api/v1/me/nominees/{nominee.public_id}").status_code == 404
    assert api.get("/api/v1/me/bank-accounts").json() == []
    # Bob's own profile is reachable only as Bob; the staff route does not exist for an investor
    assert api.get(f"/api/v1/staff/investors/{bob.public_id}").status_code == 404
    with tenant_context(tenant_alpha):
        assert BankAccount.objects.filter(pk=account.pk).exists()
    assert api_for(bob).get(f"/api/v1/me/bank-accounts/{account.public_id}").status_code == 200
    assert api_for(bob).get(f"/api/v1/me/nominees/{nominee.public_id}").status_code == 200


def test_checklist_lists_what_is_missing_before_the_first_order(tenant_alpha, alice):
    api = api_for(alice)
    body = api.get("/api/v1/me/checklist").json()
    assert body["complete"] is False
    assert {"pan", "kyc", "bank_account", "nomination", "fatca", "address", "mobile"} <= set(body["missing"])
    assert "name" not in body["missing"]
    api.put("/api/v1/me/nominees", {"opted_out": True}, format="json")
    fatca = api.put(
        "/api/v1/me/fatca",
        {
            "country_of_birth": "India",
            "place_of_birth": "Kochi",
            "income_slab": "10l_25l",
            "wealth_source": "salary",
            "politically_exposed": False,
            "tax_resident_outside_india": False,
        },
        format="json",
    )
    assert fatca.status_code == 200
    missing = set(api.get("/api/v1/me/checklist").json()["missing"])
    assert "nomination" not in missing and "fatca" not in missing


def test_non_investor_gets_404_on_me(tenant_alpha):
    from tests.factories import make_staff

    staff = make_staff(tenant_alpha, role="owner")
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(staff.user)
    assert client.get("/api/v1/me").status_code == 404


def test_anonymous_requests_get_401(alpha_api):
    response = alpha_api.get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_adding_a_mobile_number_needs_a_code_to_it_and_one_to_the_current_email(
    tenant_alpha, alice, bob, django_capture_on_commit_callbacks
):
    api = api_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post("/api/v1/me/contact/otp", {"identifier": "9811122233"}, format="json")
    assert sent.status_code == 202
    new_id, current_id = sent.json()["challenge_id"], sent.json()["current"]["challenge_id"]
    code, current_code = otp_code_sent_to("+919811122233"), otp_code_sent_to(alice.email)
    both = {"challenge_id": new_id, "code": code, "current_challenge_id": current_id, "current_code": current_code}
    wrong = api.post("/api/v1/me/contact/verify", {**both, "current_code": "000000"}, format="json")
    if current_code != "000000":
        assert wrong.status_code == 400
    # Bob cannot use Alice's challenges even with the right codes
    assert api_for(bob).post("/api/v1/me/contact/verify", both, format="json").status_code == 400
    # the new contact's code alone is not enough
    alone = api.post("/api/v1/me/contact/verify", {"challenge_id": new_id, "code": code}, format="json")
    assert alone.status_code == 400


def test_changing_the_mobile_needs_both_codes_tells_the_old_number_and_signs_out_elsewhere(
    tenant_alpha, django_capture_on_commit_callbacks
):
    from apps.accounts.notifiers import LocmemNotifier
    from apps.oauth.models import DeviceSession
    from apps.oauth.tests.flows import tokens_for
    from tests.clients import signed_in_client

    investor = make_investor(tenant_alpha, mobile="+919811100001")
    here = tokens_for(tenant_alpha, investor.user, device_name="Here")
    there = tokens_for(tenant_alpha, investor.user, device_name="There")
    browser = signed_in_client(tenant_alpha, investor.user)
    assert browser.get("/web/").status_code == 200
    api = APIClient(HTTP_HOST="alpha.localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {here['access_token']}")

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post("/api/v1/me/contact/otp", {"identifier": "98111 00002"}, format="json")
    assert sent.status_code == 202 and sent.json()["current"]["sent_to"].endswith("0001")
    both = {
        "challenge_id": sent.json()["challenge_id"],
        "code": otp_code_sent_to("+919811100002"),
        "current_challenge_id": sent.json()["current"]["challenge_id"],
        "current_code": otp_code_sent_to("+919811100001"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post("/api/v1/me/contact/verify", both, format="json")

    assert done.status_code == 200, done.json()
    assert done.json()["mobile"] == "+919811100002"
    notice = [m for m in LocmemNotifier.outbox if m.target == "+919811100001"][-1]
    assert "was changed" in notice.body and "98111" not in notice.body.split("changed to", 1)[1][:8]
    # this device stays signed in; the other device and the web session do not
    assert api.get("/api/v1/me").status_code == 200
    other = APIClient(HTTP_HOST="alpha.localhost")
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {there['access_token']}")
    assert other.get("/api/v1/me").status_code == 401
    assert browser.get("/web/").status_code == 302
    with tenant_context(tenant_alpha):
        assert DeviceSession.objects.get(user=investor.user, device_name="There").revoked_at is not None
        assert DeviceSession.objects.get(user=investor.user, device_name="Here").revoked_at is None
