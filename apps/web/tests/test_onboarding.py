"""The onboarding pages: the checklist, one page per step writing through the accounts services, errors
beside their fields, the bank account confirmed with a code, the landing after an invitation or a
registration, and an order refused for a missing step linking to it."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import BankAccount, Investor
from tests.clients import signed_in_client
from tests.factories import make_investor, pan_with
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def kavya(tenant_alpha):
    return make_investor(tenant_alpha, full_name="Kavya Shah")


def _ready(tenant, investor, **extra) -> None:
    with tenant_context(tenant):
        Investor.objects.filter(pk=investor.pk).update(
            date_of_birth=date(1990, 6, 15), occupation="professional", address_line1="1 MG Road", city="Pune",
            state="Maharashtra", pincode="411001", nomination_opted_out=True, fatca_declared_at=timezone.now(),
            **extra,
        )  # fmt: skip


def test_the_checklist_leads_to_the_first_step_to_do(tenant_alpha, kavya):
    page = signed_in_client(tenant_alpha, kavya.user).get("/web/onboarding/")
    body = page.content.decode()

    assert page.status_code == 200
    assert 'data-step="profile" data-state="todo"' in body
    assert 'data-step="kyc" data-state="blocked"' in body
    assert 'href="/web/onboarding/profile/"' in body and "Continue: Your details" in body


def test_the_details_form_shows_each_error_beside_its_field_and_saves(tenant_alpha, kavya):
    client = signed_in_client(tenant_alpha, kavya.user)

    bad = client.post(
        "/web/onboarding/profile/",
        {"full_name": "Kavya Shah", "pan": "ABC", "date_of_birth": "2015-01-01", "occupation": "professional",
         "address_line1": "1 MG Road", "city": "Pune", "state": "MH", "pincode": "011001"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.context["form"].errors.keys() >= {"pincode"}
    pan = pan_with("1357")
    good = client.post(
        "/web/onboarding/profile/",
        {"full_name": "Kavya Shah", "pan": pan.lower(), "date_of_birth": "1990-06-15", "occupation": "professional",
         "address_line1": "1 MG Road", "city": "Pune", "state": "Maharashtra", "pincode": "411001"},
    )  # fmt: skip

    assert good.status_code == 302 and good["Location"] == "/web/onboarding/kyc/"
    with tenant_context(tenant_alpha):
        kavya.refresh_from_db()
    assert kavya.pan == pan and kavya.kyc_status == "pending"


def test_a_pan_error_from_the_service_is_shown_beside_the_pan(tenant_alpha, kavya):
    taken = pan_with("2468")
    make_investor(tenant_alpha, pan=taken)
    response = signed_in_client(tenant_alpha, kavya.user).post(
        "/web/onboarding/profile/",
        {"full_name": "Kavya Shah", "pan": taken, "date_of_birth": "1990-06-15", "occupation": "professional",
         "address_line1": "1 MG Road", "city": "Pune", "state": "Maharashtra", "pincode": "411001"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "already registered" in response.context["form"].errors["pan"][0]


def test_a_bank_account_is_added_with_the_code_sent_for_it(tenant_alpha, django_capture_on_commit_callbacks):
    investor = make_investor(tenant_alpha, full_name="Kavya Shah", mobile="+919812300061")
    client = signed_in_client(tenant_alpha, investor.user)
    bad = client.post("/web/onboarding/bank/", {"action": "add", "account_number": "12", "ifsc": "HDFC1234567",
                                                "account_type": "SB"})  # fmt: skip
    assert bad.status_code == 400
    assert "must be 4 letters, a zero" in bad.context["form"].errors["ifsc"][0]

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/web/onboarding/bank/", {"action": "add", "account_number": "123 456 789 01",
                                                     "ifsc": "hdfc0001234", "account_type": "SB"})  # fmt: skip
    assert sent.status_code == 302
    confirm_page = client.get("/web/onboarding/bank/").content.decode()
    assert "HDFC Bank (HDFC0001234), account ending 8901" in confirm_page  # the IFSC named its bank
    wrong = client.post("/web/onboarding/bank/", {"action": "confirm", "code": "12345"})
    assert wrong.status_code == 400
    done = client.post("/web/onboarding/bank/", {"action": "confirm", "code": otp_code_sent_to("+919812300061")})

    assert done.status_code == 302
    with tenant_context(tenant_alpha):
        account = BankAccount.objects.get(investor=investor)
    assert account.is_primary and account.bank_name == "HDFC Bank" and account.primary_since is not None


def test_nomination_opt_out_and_nominee_errors(tenant_alpha, kavya):
    client = signed_in_client(tenant_alpha, kavya.user)
    short = client.post("/web/onboarding/nominees/", {"choice": "nominees", "n0-name": "Ravi", "n0-relationship":
                                                      "spouse", "n0-share_percent": "60"})  # fmt: skip
    assert short.status_code == 400 and "add up to 100" in short.content.decode()
    missing = client.post("/web/onboarding/nominees/", {"choice": "nominees", "n0-name": "Ravi"})
    assert missing.status_code == 400 and missing.context["rows"][0].errors.keys() >= {"relationship", "share_percent"}

    done = client.post("/web/onboarding/nominees/", {"choice": "opt_out"})

    assert done.status_code == 302
    with tenant_context(tenant_alpha):
        assert Investor.objects.get(pk=kavya.pk).nomination_opted_out


def test_fatca_declaration_and_foreign_tax_residency_beside_its_question(tenant_alpha, kavya):
    client = signed_in_client(tenant_alpha, kavya.user)
    answers = {"country_of_birth": "India", "place_of_birth": "Kochi", "income_slab": "10l_25l",
               "wealth_source": "salary", "politically_exposed": "no", "tax_resident_outside_india": "yes"}  # fmt: skip
    foreign = client.post("/web/onboarding/fatca/", answers)
    assert foreign.status_code == 400
    assert "with the distributor" in foreign.context["form"].errors["tax_resident_outside_india"][0]

    done = client.post("/web/onboarding/fatca/", {**answers, "tax_resident_outside_india": "no"})

    assert done.status_code == 302
    with tenant_context(tenant_alpha):
        assert Investor.objects.get(pk=kavya.pk).fatca_declared_at is not None


def test_the_landing_is_the_checklist_until_it_is_complete(tenant_alpha, kavya):
    client = signed_in_client(tenant_alpha, kavya.user)
    assert client.get("/web/start/")["Location"] == "/web/onboarding/"

    ready = make_investor(tenant_alpha, ready_to_invest=True)
    _ready(tenant_alpha, ready)
    assert signed_in_client(tenant_alpha, ready.user).get("/web/start/")["Location"] == "/web/"


def test_registration_on_the_web_lands_on_the_checklist(tenant_alpha, django_capture_on_commit_callbacks):
    client = Client(HTTP_HOST="alpha.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", {"action": "send_code", "full_name": "New Person", "identifier": "9812300062"})
    done = client.post("/register/", {"action": "verify_code", "code": otp_code_sent_to("+919812300062")})
    assert done.status_code == 302 and done["Location"] == "/web/start/"
    assert client.get(done["Location"])["Location"] == "/web/onboarding/"


def test_an_order_refused_for_kyc_links_to_the_kyc_step(tenant_alpha):
    from tests.factories import SchemeFactory

    scheme = SchemeFactory(orderable=True)
    investor = make_investor(tenant_alpha, pan=pan_with("2222"), kyc_status="pending", mobile="+919812300063")
    client = signed_in_client(tenant_alpha, investor.user)
    form = client.get("/web/orders/new/").context["form"]

    refused = client.post(
        "/web/orders/new/",
        {
            "kind": "purchase",
            "amfi_code": scheme.amfi_code,
            "amount": "1000",
            "request_key": form["request_key"].value(),
        },
    )

    assert refused.status_code == 400
    assert 'href="/web/onboarding/kyc/"' in refused.content.decode()


def test_another_investor_cannot_touch_my_bank_accounts_from_the_page(tenant_alpha, kavya):
    other = make_investor(tenant_alpha, ready_to_invest=True)
    with tenant_context(tenant_alpha):
        account = BankAccount.objects.get(investor=other)
    response = signed_in_client(tenant_alpha, kavya.user).post(
        "/web/onboarding/bank/", {"action": "primary", "account": str(account.public_id)}
    )
    assert response.status_code == 404
