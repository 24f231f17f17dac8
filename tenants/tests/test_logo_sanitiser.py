"""The SVG logo sanitiser against an attack corpus: every sample is refused with a message naming what
is wrong, and what is stored for an accepted logo holds only allow-listed elements and attributes."""

import io

import pytest
from lxml import etree
from PIL import Image

from tenants.logos import BrandingError, logo_prepare, svg_sanitise

LIMIT = 512 * 1024
OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'

ATTACKS = {
    "script": (OPEN + b"<script>alert(1)</script></svg>", "<script>"),
    "script in another namespace": (
        OPEN + b'<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
        "<script>",
    ),
    "onload": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handlers"),
    "onclick on a shape": (OPEN + b'<rect width="1" height="1" OnClick="alert(1)"/></svg>', "event handlers"),
    "animate href with a tab in javascript:": (
        OPEN + b'<a><animate attributeName="href" values="java&#9;script:alert(1)"/><text>x</text></a></svg>',
        "<a>",
    ),
    "animate alone": (
        OPEN + b'<rect width="1" height="1"><animate attributeName="href" values="java&#9;script:x"/></rect></svg>',
        "<animate>",
    ),
    "set": (
        OPEN + b'<rect width="1" height="1"><set attributeName="onmouseover" to="alert(1)"/></rect></svg>',
        "<set>",
    ),
    "animateTransform": (OPEN + b'<g><animateTransform attributeName="transform"/></g></svg>', "<animateTransform>"),
    "url() in a style attribute": (
        OPEN + b'<rect width="1" height="1" style="fill:url(https://evil.example/x)"/></svg>',
        "url\\(#id\\)",
    ),
    "url() in a presentation attribute": (
        OPEN + b'<rect width="1" height="1" fill="url(//evil.example/x#a)"/></svg>',
        "url\\(#id\\)",
    ),
    "url() in <style>": (OPEN + b"<style>rect{fill:url(https://evil.example/x)}</style></svg>", "url\\(#id\\)"),
    "@import in <style>": (OPEN + b'<style>@import "https://evil.example/x.css";</style></svg>', "at-rules"),
    "CSS escape in <style>": (OPEN + b"<style>rect{fill:u\\72l(https://evil.example/x)}</style></svg>", "escapes"),
    "CSS escape in a style attribute": (
        OPEN + b'<rect width="1" height="1" style="fill:\\75rl(https://evil.example/x)"/></svg>',
        "escapes",
    ),
    "xml-stylesheet": (
        b'<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/x.css"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        "xml-stylesheet",
    ),
    "processing instruction inside": (OPEN + b'<?xml-stylesheet href="x.css"?></svg>', "xml-stylesheet"),
    "external xlink:href": (OPEN + b'<use xlink:href="https://evil.example/s.svg#a"/></svg>', "link to other files"),
    "external href": (OPEN + b'<use href="//evil.example/s.svg#a"/></svg>', "link to other files"),
    "javascript href": (OPEN + b'<use href="javascript:alert(1)"/></svg>', "link to other files"),
    "image from outside": (OPEN + b'<image href="https://evil.example/a.png"/></svg>', "link to other files"),
    "svg data URI image": (
        OPEN + b'<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/></svg>',
        "link to other files",
    ),
    "foreignObject": (
        OPEN + b'<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">x</body></foreignObject></svg>',
        "<foreignObject>",
    ),
    "iframe": (OPEN + b"<iframe/></svg>", "<iframe>"),
    "feImage": (OPEN + b'<filter id="f"><feImage href="https://evil.example/a.png"/></filter></svg>', "<feImage>"),
    "internal entity": (
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
        "DOCTYPE",
    ),
    "external entity": (
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        "DOCTYPE",
    ),
    "public DTD": (
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        "DOCTYPE",
    ),
    "billion laughs": (
        b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
        "DOCTYPE",
    ),
    "UTF-16 with a hidden DOCTYPE": (
        '<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'.encode("utf-16"),
        "UTF-8",
    ),
    "expression()": (OPEN + b'<rect width="1" height="1" style="width:expression(alert(1))"/></svg>', "scripts"),
    "not in the SVG namespace": (b'<svg><rect width="1" height="1"/></svg>', "not an SVG"),
    "unknown SVG element": (OPEN + b"<switch><rect/></switch></svg>", "<switch>"),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_corpus_is_refused_with_a_reason(name):
    data, message = ATTACKS[name]
    with pytest.raises(BrandingError, match=message):
        logo_prepare(data=data, max_bytes=LIMIT)


def _tree(data: bytes):
    return etree.fromstring(data)


def test_a_plain_logo_is_rebuilt_without_editor_data_comments_or_unknown_attributes():
    # given an editor's export: metadata, its own namespace, a comment, an unknown attribute
    upload = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        b' xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 40 10" data-x="1" inkscape:version="1.3">'
        b"<!-- made with love --><metadata><rdf/></metadata>"
        b'<inkscape:namedview id="n"/>'
        b"<defs><style>.a{fill:#0b3d91;stroke:url(#g)}</style>"
        b'<linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
        b'<g inkscape:label="Layer"><rect class="a" width="10" height="10" style="fill:#123456; cursor:pointer"/>'
        b'<use xlink:href="#g"/><text x="12" y="8" font-family="\'Noto Sans\'">Alpha <tspan>Wealth</tspan> Ltd</text>'
        b"</g></svg>"
    )
    # when
    stored = svg_sanitise(upload)
    # then only allow-listed parts remain, in the SVG namespace
    root = _tree(stored)
    tags = [etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)]
    assert tags == ["svg", "defs", "style", "linearGradient", "stop", "g", "rect", "use", "text", "tspan"]
    assert set(root.attrib) == {"viewBox"}
    rect = root.find(".//{http://www.w3.org/2000/svg}rect")
    assert rect.get("style") == "fill:#123456"
    assert root.find(".//{http://www.w3.org/2000/svg}use").get("href") == "#g"
    assert b"inkscape" not in stored and b"made with love" not in stored and b"rdf" not in stored
    text = root.find(".//{http://www.w3.org/2000/svg}text")
    assert "".join(text.itertext()) == "Alpha Wealth Ltd"


def test_a_png_data_uri_image_is_kept():
    upload = OPEN + b'<image width="1" height="1" xlink:href="data:image/png;base64,iVBORw0KGgo="/></svg>'
    root = _tree(svg_sanitise(upload))
    assert root.find("{http://www.w3.org/2000/svg}image").get("href") == "data:image/png;base64,iVBORw0KGgo="


def test_raster_logos_are_verified_and_stored_as_uploaded():
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, "PNG")
    png = buffer.getvalue()
    assert logo_prepare(data=png, max_bytes=LIMIT) == (png, "png")
    with pytest.raises(BrandingError, match="not a complete PNG"):
        logo_prepare(data=b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", max_bytes=LIMIT)


# --- Storing and serving ------------------------------------------------------------------------------

SVG = OPEN + b'<rect width="10" height="10" fill="#0B3D91"/></svg>'


def _brand(tenant, logo):
    from tenants import services

    b = tenant.branding
    return services.branding_update(
        distributor=tenant,
        display_name=b.display_name,
        primary_color=b.primary_color,
        accent_color=b.accent_color,
        logo=logo,
    )


@pytest.mark.django_db
def test_logo_is_stored_under_the_tenant_and_served_sandboxed(tenant_alpha, tenant_beta, settings, tmp_path, client):
    # given alpha's sanitised SVG stored under media/alpha/branding/
    settings.MEDIA_ROOT = tmp_path
    branding = _brand(tenant_alpha, OPEN + b'<!-- x --><rect width="10" height="10" data-evil="1"/></svg>')
    assert branding.logo.name.startswith("alpha/branding/")
    url = f"/media/{branding.logo.name}"
    # when alpha's host serves it
    response = client.get(url, HTTP_HOST="alpha.localhost")
    # then as an SVG that cannot run anything, and the stored bytes are the sanitised ones
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert b"data-evil" not in body and b"<!--" not in body
    # and beta's host never serves alpha's file
    assert client.get(url, HTTP_HOST="beta.localhost").status_code == 404
    # nor anything else from MEDIA_ROOT on alpha's host
    (tmp_path / "alpha" / "branding" / "0123abcd.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get("/media/alpha/branding/0123abcd.png", HTTP_HOST="alpha.localhost").status_code == 404
