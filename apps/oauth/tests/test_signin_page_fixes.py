"""The investor sign-in page: Enter in the password field signs in with the password (not "send me a code"),
and the distributor's home page links to both sign-ins. (In the browser: apps/portal/tests/
test_investor_sign_in_browser.py, beside the shared Chromium.)"""

import pytest
from django.test import Client

from tests.factories import PASSWORD, make_investor, unique
from tests.messages import otp_code_sent_to

HOST = "alpha.localhost"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_password_sent_with_the_forms_first_button_signs_in_with_the_password(tenant_alpha):
    investor = make_investor(tenant_alpha, email=f"{unique('enter')}@example.test".lower())
    client = Client(HTTP_HOST=HOST)
    # what the browser sends when Enter is pressed in the password field: the first button's action
    response = client.post(
        "/login/",
        {"action": "send_code", "identifier": investor.user.email, "password": PASSWORD, "next": "/web/"},
    )
    assert response.status_code == 302 and response["Location"] == "/web/"
    assert _signed_in(client)
    with pytest.raises(AssertionError, match="no code sent"):
        otp_code_sent_to(investor.user.email)


def test_without_a_password_the_first_button_still_sends_a_code(tenant_alpha):
    investor = make_investor(tenant_alpha, email=f"{unique('code')}@example.test".lower())
    client = Client(HTTP_HOST=HOST)
    response = client.post("/login/", {"action": "send_code", "identifier": investor.user.email, "password": ""})
    assert response.status_code == 200 and not _signed_in(client)
    assert b'name="code"' in response.content  # the code step


def test_a_wrong_password_sent_with_enter_is_refused(tenant_alpha):
    investor = make_investor(tenant_alpha, email=f"{unique('wrong')}@example.test".lower())
    client = Client(HTTP_HOST=HOST)
    response = client.post("/login/", {"action": "send_code", "identifier": investor.user.email, "password": "nope"})
    assert response.status_code == 400 and b"did not match" in response.content
    assert not _signed_in(client)


def test_the_home_page_links_to_the_investor_and_the_staff_sign_in(tenant_alpha):
    page_html = Client(HTTP_HOST=HOST).get("/").content.decode()
    assert 'href="/login/?next=/web/" data-testid="investor-sign-in"' in page_html
    assert 'href="/portal/login/" data-testid="staff-sign-in"' in page_html
