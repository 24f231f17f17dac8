"""The one invitation page: the link an invitation carries (/invite/<token>/) opens /web/invite/<token>/,
which shows the invited details masked, sends a code to the invited contact and creates the account."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor
from tests.clients import staff_api
from tests.factories import make_staff, pan_with
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.django_db


def _invitation_link(tenant, *, mobile: str, pan: str = "") -> str:
    api = staff_api(make_staff(tenant, role="owner"))
    payload = {"full_name": "Kavya Shah", "email": "", "mobile": mobile}
    if pan:
        payload["pan"] = pan
    created = api.post("/api/v1/staff/invitations", payload, format="json")
    assert created.status_code == 201, created.content
    return created.json()["link"].split("alpha.localhost", 1)[1]


def test_the_mailed_link_is_the_invitation_page_and_the_older_link_redirects_to_it(tenant_alpha):
    mailed = _invitation_link(tenant_alpha, mobile="+919812300071")
    assert mailed.startswith("/web/invite/")
    token = mailed.rstrip("/").rsplit("/", 1)[1]

    response = Client(HTTP_HOST="alpha.localhost").get(f"/invite/{token}/")

    assert response.status_code == 301
    assert response["Location"] == f"/web/invite/{token}/"


def test_invitation_page_is_prefilled_masked_and_creates_the_account_once(
    tenant_alpha, django_capture_on_commit_callbacks
):
    mobile = "+919812300077"
    browser = Client(HTTP_HOST="alpha.localhost")
    path = _invitation_link(tenant_alpha, mobile=mobile, pan=pan_with("1234"))
    page = browser.get(path)
    body = page.content.decode()
    assert page.status_code == 200 and path.startswith("/web/invite/")
    assert "Kavya Shah" in body and "98123" not in body
    assert pan_with("1234") not in body and "XXXXX1234X" in body

    early = browser.post(path, {"code": "123456"})
    assert early.status_code == 400 and "Ask for a code first" in early.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(path, {"action": "send"}).status_code == 302
    done = browser.post(path, {"code": otp_code_sent_to(mobile), "password": ""})

    assert done.status_code == 302 and done["Location"] == "/web/start/"
    assert browser.get(done["Location"])["Location"] == "/web/onboarding/"  # the checklist: nothing done yet
    with tenant_context(tenant_alpha):
        assert Investor.objects.get(user__mobile=mobile).full_name == "Kavya Shah"
    again = Client(HTTP_HOST="alpha.localhost").get(path)
    assert again.status_code == 404 and "not valid any more" in again.content.decode()
