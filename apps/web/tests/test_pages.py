"""The investor web pages: an investor session reads them; anonymous visitors go to sign-in."""

import pytest
from django.test import Client

from tests.factories import make_investor

pytestmark = pytest.mark.django_db


def test_investor_web_pages_need_an_investor_session(tenant_alpha):
    anonymous = Client(HTTP_HOST="alpha.localhost")
    response = anonymous.get("/web/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")

    investor = make_investor(tenant_alpha, full_name="Web Person", password="a-long-password-2026", verified=True)
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(investor.user, backend="apps.accounts.backends.EmailOrMobileBackend")
    page = client.get("/web/")
    assert page.status_code == 200 and b"Web Person" in page.content
    assert client.get("/web/transactions/").status_code == 200
    assert client.get("/web/statements/").status_code == 200
    # portal pages are not for investors
    assert client.get("/portal/").status_code == 302
