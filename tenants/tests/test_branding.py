"""Branding writes: the logo checks and the service's rules (one transaction, nothing half-written)."""

import io

import pytest
from PIL import Image

from tenants import services
from tenants.logos import BrandingError, logo_validate
from tenants.models import Branding

pytestmark = pytest.mark.django_db


def _image(kind: str, size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 61, 145)).save(buffer, kind)
    return buffer.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="#0B3D91"/></svg>'
)
LIMIT = 512 * 1024


@pytest.mark.parametrize(("data", "kind"), [(PNG, "png"), (JPEG, "jpg"), (SVG, "svg")])
def test_logo_types_are_recognised_by_content(data, kind):
    assert logo_validate(data=data, max_bytes=LIMIT) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "must be a PNG, JPEG or SVG"),
        (b"%PDF-1.7", "must be a PNG, JPEG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a complete PNG"),
        (_image("PNG")[:-20], "not a complete PNG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "not a complete JPG"),
        (_image("PNG", size=(5000, 4000)), "at most 4096x4096"),
        (b"", "empty"),
        (PNG + b"\x00" * LIMIT, "the limit is 512 KB"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "event handlers"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="https://evil.example/a.png"/></svg>',
            "link to other files",
        ),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
        (b"<svg><unclosed></svg>", "cannot be read"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG"),
    ],
)
def test_bad_logos_are_refused(data, message):
    with pytest.raises(BrandingError, match=message):
        logo_validate(data=data, max_bytes=LIMIT)


def _update(tenant, **overrides):
    values = {
        "display_name": "Alpha Wealth",
        "primary_color": "#0B3D91",
        "accent_color": "#FF8C00",
        "support_email": "help@alpha.test",
        "support_phone": "+912240000001",
    }
    values.update(overrides)
    return services.branding_update(distributor=tenant, actor=None, **values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"primary_color": "blue"}, "#RRGGBB"),
        ({"accent_color": "#12345"}, "#RRGGBB"),
        ({"primary_color": "#0B3D91", "accent_color": "#0b3d91"}, "must differ"),
        ({"primary_color": "#FFEB3B"}, "contrast"),
        ({"display_name": "  "}, "display name"),
        ({"support_email": "not-an-address"}, "support e-mail"),
    ],
)
def test_bad_brand_values_are_refused_and_nothing_changes(tenant_alpha, overrides, message):
    before = Branding.objects.get(distributor=tenant_alpha)
    with pytest.raises(BrandingError, match=message):
        _update(tenant_alpha, logo=PNG, **overrides)
    after = Branding.objects.get(distributor=tenant_alpha)
    assert (after.primary_color, after.accent_color, after.logo.name) == (
        before.primary_color,
        before.accent_color,
        before.logo.name,
    )


def test_update_saves_colours_and_logo_and_replaces_the_old_file(
    tenant_alpha, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        first = _update(tenant_alpha, primary_color="#123456", logo=PNG)
    first_name = first.logo.name
    assert first.primary_color == "#123456"
    assert first_name.startswith("alpha/branding/") and first_name.endswith(".png")
    assert (tmp_path / first_name).read_bytes() == PNG

    with django_capture_on_commit_callbacks(execute=True):
        second = _update(tenant_alpha, logo=SVG)
    assert second.logo.name.endswith(".svg")
    assert not (tmp_path / first_name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        third = _update(tenant_alpha, remove_logo=True)
    assert not third.logo
