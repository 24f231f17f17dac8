"""Uploads from pages (an investor's CAS statement on /web/, staff's on an investor's behalf and the brand
logo in the portal) are throttled per signed-in user and per client IP. A throttled upload answers 429
with the reason beside the form and a Retry-After, and stores nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from apps.portfolio.models import CasImport
from tenants.models import Branding
from tests.clients import signed_in_client
from tests.factories import PASSWORD, make_investor, make_staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        rest = dict(settings.REST_FRAMEWORK)
        rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = rest  # DRF's api_settings reload on the change

    return set_rates


def _staff(tenant):
    member = make_staff(tenant, role="owner")
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/portal/login/", {"email": member.user.email, "password": PASSWORD}).status_code == 302
    return client


def _cas_upload(client, url):
    return client.post(url, {"statement": SimpleUploadedFile("cas.pdf", PDF, "application/pdf"), "password": "x"})


def _imports(tenant):
    with tenant_context(tenant):
        return CasImport.objects.count()


def test_web_cas_upload_is_throttled_per_investor(rates, tenant_alpha, alpha_investor, settings, tmp_path):
    # given a budget of two uploads an hour per user (and plenty per IP)
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    rates(cas_upload="2/hour", cas_upload_ip="100/hour")
    client = signed_in_client(tenant_alpha, alpha_investor.user)
    for _ in range(2):
        assert _cas_upload(client, "/web/statements/").status_code != 429
    before = _imports(tenant_alpha)
    # when the third comes
    response = _cas_upload(client, "/web/statements/")
    # then it is refused with the reason on the page, and nothing was stored
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many uploads for now. Nothing was saved" in response.content
    assert _imports(tenant_alpha) == before
    # and another investor (another user) still may upload from another address
    other = signed_in_client(tenant_alpha, make_investor(tenant_alpha, full_name="Other").user)
    assert _cas_upload(other, "/web/statements/").status_code != 429


def test_web_cas_upload_is_throttled_per_ip(rates, tenant_alpha, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    rates(cas_upload="100/hour", cas_upload_ip="2/hour")
    clients = [signed_in_client(tenant_alpha, make_investor(tenant_alpha, full_name=f"I{n}").user) for n in range(3)]
    assert [_cas_upload(c, "/web/statements/").status_code == 429 for c in clients] == [False, False, True]


def test_portal_cas_upload_is_throttled(rates, tenant_alpha, alpha_investor, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    rates(cas_upload="1/hour", cas_upload_ip="100/hour")
    staff = _staff(tenant_alpha)
    url = f"/portal/investors/{alpha_investor.public_id}/cas/"
    assert _cas_upload(staff, url).status_code != 429
    before = _imports(tenant_alpha)
    response = _cas_upload(staff, url)
    assert response.status_code == 429
    assert b"Too many uploads for now" in response.content
    assert _imports(tenant_alpha) == before


def test_portal_logo_upload_is_throttled_and_keeps_the_old_logo(rates, tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rates(logo_upload="1/hour", logo_upload_ip="100/hour")
    owner = _staff(tenant_alpha)

    def post(name):
        return owner.post(
            "/portal/settings/branding/",
            {
                "display_name": name,
                "primary_color": "#0a3d91",
                "accent_color": "#ff8c00",
                "logo": SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
            },
        )

    assert post("First").status_code == 302
    first = Branding.objects.get(distributor=tenant_alpha)
    response = post("Second")
    assert response.status_code == 429
    assert b"Too many uploads for now" in response.content
    after = Branding.objects.get(distributor=tenant_alpha)
    assert (after.display_name, after.logo.name) == ("First", first.logo.name)
    assert sorted(p.name for p in (tmp_path / "alpha" / "branding").iterdir()) == [first.logo.name.rsplit("/", 1)[1]]
