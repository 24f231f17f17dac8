"""Error pages of a distributor's hosts carry its brand and never a debug page (DEBUG off, as in
production): 403, 404 and 500; under /api/ errors keep the API's {code, message, extra} shape."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tenants.views import TenantHomeView

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False
    return settings


def _brand(tenant) -> str:
    return tenant.branding.display_name


def test_404_is_branded(no_debug, tenant_alpha, tenant_beta):
    alpha = Client(HTTP_HOST="alpha.localhost").get("/no-such-page/")
    beta = Client(HTTP_HOST="beta.localhost").get("/no-such-page/")
    assert alpha.status_code == beta.status_code == 404
    assert 'data-testid="error-404"' in alpha.content.decode()
    assert _brand(tenant_alpha) in alpha.content.decode() and _brand(tenant_alpha) not in beta.content.decode()
    assert tenant_alpha.branding.primary_color in alpha.content.decode()


def test_403_is_branded(no_debug, tenant_alpha, monkeypatch):
    def refuse(self, request, *args, **kwargs):
        raise PermissionDenied

    monkeypatch.setattr(TenantHomeView, "get", refuse)
    response = Client(HTTP_HOST="alpha.localhost").get("/")
    body = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-403"' in body and _brand(tenant_alpha) in body


def test_500_is_branded_and_not_a_debug_page(no_debug, tenant_alpha, monkeypatch):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(TenantHomeView, "get", explode)
    response = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False).get("/")
    body = response.content.decode()
    assert response.status_code == 500
    assert 'data-testid="error-500"' in body and _brand(tenant_alpha) in body
    assert "secret internals" not in body and "Traceback" not in body


def test_500_under_the_api_keeps_the_error_shape(no_debug, tenant_alpha, monkeypatch):
    from tenants.views import BrandingApi

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(BrandingApi, "get", explode)
    response = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False).get("/api/v1/branding")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side. Please try again in a little while.",
        "extra": {},
    }
