"""The branding settings page: owners save the brand through tenants' service, other roles are refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from tenants.models import Branding

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 61, 145)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def test_branding_page_for_owner_saves_and_read_only_is_refused(staff_client, tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = staff_client(tenant_alpha, role="owner")
    assert owner.get("/portal/settings/branding/").status_code == 200
    response = owner.post(
        "/portal/settings/branding/",
        {
            "display_name": "Alpha Wealth Partners",
            "primary_color": "#0a3d91",
            "accent_color": "#ff8c00",
            "support_email": "help@alpha.test",
            "support_phone": "",
            "logo": SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    branding = Branding.objects.get(distributor=tenant_alpha)
    assert branding.display_name == "Alpha Wealth Partners" and branding.primary_color == "#0A3D91"
    assert branding.logo.name.endswith(".png")

    lying = owner.post(
        "/portal/settings/branding/",
        {
            "display_name": "Alpha Wealth",
            "primary_color": "#0a3d91",
            "accent_color": "#ff8c00",
            "logo": SimpleUploadedFile("logo.png", b"<html><script>1</script></html>", content_type="image/png"),
        },
    )
    assert lying.status_code == 400 and b"must be a PNG, JPEG or SVG" in lying.content

    for role in ("read_only", "rm", "operations"):
        client = staff_client(tenant_alpha, role=role)
        assert client.get("/portal/settings/branding/").status_code == 403
        assert client.post("/portal/settings/branding/", {"display_name": "Hacked"}).status_code == 403
    with tenant_context(tenant_alpha):
        assert Branding.objects.get(distributor=tenant_alpha).display_name == "Alpha Wealth Partners"


def test_a_hostile_svg_is_refused_beside_the_logo_field(staff_client, tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = staff_client(tenant_alpha, role="owner")
    hostile = b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>'
    response = owner.post(
        "/portal/settings/branding/",
        {
            "display_name": "Alpha Wealth",
            "primary_color": "#0a3d91",
            "accent_color": "#ff8c00",
            "logo": SimpleUploadedFile("logo.svg", hostile, content_type="image/svg+xml"),
        },
    )
    assert response.status_code == 400
    assert b'id="id_logo_error" role="alert">SVG logos may not contain &lt;foreignObject&gt; elements.' in (
        response.content
    )
    assert not list(tmp_path.rglob("*.svg"))
