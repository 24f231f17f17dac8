"""Staff reach staff data only through the portal's sign-in (its lockout and second factor): the investor
sign-in page refuses them, by password or by code; a session that did not pass the portal's sign-in opens
neither the portal nor the staff API; OAuth authorization does not hand such a session a token."""

import time

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.clients import signed_in_client, staff_api
from tests.factories import PASSWORD, make_staff
from tests.messages import otp_code_sent_to

HOST = "alpha.localhost"


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_password_at_the_investor_sign_in_page_is_refused(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    browser = Client(HTTP_HOST=HOST)
    response = browser.post("/login/", {"action": "password", "identifier": owner.user.email, "password": PASSWORD})
    assert response.status_code == 403 and b"distributor portal" in response.content
    assert not _is_signed_in(browser)
    assert browser.get("/portal/")["Location"].startswith("/portal/login/")


def test_a_staff_sign_in_code_from_the_investor_page_is_refused(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    browser = Client(HTTP_HOST=HOST)
    # the page answers as for any address, but no code goes to a staff account
    assert browser.post("/login/", {"action": "send_code", "identifier": owner.user.email}).status_code == 200
    with pytest.raises(AssertionError, match="no code sent"):
        otp_code_sent_to(owner.user.email)
    response = browser.post("/login/", {"action": "verify_code", "code": "123456"})
    assert response.status_code == 400
    assert not _is_signed_in(browser)


def test_a_staff_session_from_anywhere_but_the_portal_opens_nothing(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    # a session authenticated some other way (what the investor page used to give staff)
    elsewhere = signed_in_client(tenant_alpha, owner.user)

    api = elsewhere.get("/api/v1/staff/investors", HTTP_ACCEPT="application/json")
    assert api.status_code == 403 and api.json()["code"] == "staff_sign_in_required"
    assert elsewhere.get("/portal/")["Location"].startswith("/portal/login/")
    assert not _is_signed_in(elsewhere)  # the portal ended that session


def test_oauth_authorization_sends_such_a_session_to_the_portal_sign_in(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    elsewhere = signed_in_client(tenant_alpha, owner.user)
    response = elsewhere.get("/o/authorize/?response_type=code&client_id=x")
    assert response.status_code == 302 and response["Location"].startswith("/portal/login/")
    assert not _is_signed_in(elsewhere)


def test_the_portal_sign_in_opens_the_staff_api(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    assert staff_api(owner).get("/api/v1/staff/investors").status_code == 200


def test_with_an_authenticator_the_password_alone_opens_nothing(tenant_alpha):
    from apps.accounts.services import staff_auth as services

    owner = make_staff(tenant_alpha, role="owner")
    with tenant_context(tenant_alpha):
        secret = services.staff_totp_begin(user=owner.user)
        services.staff_totp_confirm(user=owner.user, code=_totp_now(secret))
    client = APIClient(HTTP_HOST=HOST)
    response = client.post("/portal/login/", {"email": owner.user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/portal/login/code/" in response["Location"]
    assert client.get("/api/v1/staff/investors").status_code in (401, 403)
    assert client.get("/portal/")["Location"].startswith("/portal/login/")


def _totp_now(secret: str) -> str:
    from apps.accounts import totp

    return totp.totp_at(secret, time.time())
