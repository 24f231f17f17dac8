"""The platform admin's branding inline goes through the branding service: the same checks as the
portal (the SVG sanitiser included), errors beside the logo field, the file stored under the
distributor's own prefix as sanitised."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from apps.users.models import User
from tenants.models import Branding
from tests.clients import platform_admin_signed_in

pytestmark = pytest.mark.django_db

CLEAN = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><!-- editor -->'
    b'<rect width="1" height="1" data-x="1"/></svg>'
)
HOSTILE = b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onload" to="alert(1)"/></svg>'


@pytest.fixture
def admin_client(client):
    with schema_context("public"):
        admin = User.objects.get(email="admin@platform.localhost")
    return platform_admin_signed_in(client, admin)


def _post_change_form(client, distributor, **changes):
    url = f"/admin/tenants/distributor/{distributor.pk}/change/"
    page = client.get(url, HTTP_HOST="localhost")
    assert page.status_code == 200
    form = lxml.html.fromstring(page.content).get_element_by_id("distributor_form")
    data = dict(form.form_values())
    data.update(changes)
    return client.post(url, data, HTTP_HOST="localhost")


def test_admin_inline_refuses_a_hostile_svg_beside_the_logo_field(admin_client, tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = Branding.objects.get(distributor=tenant_alpha)
    response = _post_change_form(
        admin_client, tenant_alpha, **{"branding-0-logo": SimpleUploadedFile("l.svg", HOSTILE, "image/svg+xml")}
    )
    assert response.status_code == 200  # the form again, with the error
    logo_row = lxml.html.fromstring(response.content).xpath(
        "//div[contains(@class, 'form-row') and contains(@class, 'field-logo')]"
    )[0]
    assert "SVG logos may not contain <set> elements." in logo_row.text_content()
    after = Branding.objects.get(distributor=tenant_alpha)
    assert after.logo.name == before.logo.name
    assert not list(tmp_path.rglob("*.svg"))


def test_admin_inline_saves_through_the_service(admin_client, tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = _post_change_form(
        admin_client,
        tenant_alpha,
        **{
            "branding-0-display_name": "Alpha Wealth (admin)",
            "branding-0-logo": SimpleUploadedFile("l.svg", CLEAN, "image/svg+xml"),
        },
    )
    assert response.status_code == 302, response.content[-3000:]
    branding = Branding.objects.get(distributor=tenant_alpha)
    assert branding.display_name == "Alpha Wealth (admin)"
    assert branding.logo.name.startswith("alpha/branding/") and branding.logo.name.endswith(".svg")
    stored = (tmp_path / branding.logo.name).read_bytes()
    assert b"editor" not in stored and b"data-x" not in stored and b"<rect" in stored


def test_admin_inline_refuses_a_bad_colour(admin_client, tenant_alpha):
    response = _post_change_form(admin_client, tenant_alpha, **{"branding-0-primary_color": "#FFEB3B"})
    assert response.status_code == 200
    assert b"contrast" in response.content
    assert Branding.objects.get(distributor=tenant_alpha).primary_color != "#FFEB3B"
