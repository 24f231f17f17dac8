"""Checks of an uploaded brand logo: its real type from its content, its size, and for SVG only plain
drawings (no scripts, handlers, entities or outside links)."""

import xml.etree.ElementTree as ET  # noqa: S405 - DTDs and entities are refused before parsing

from apps.core.exceptions import ApplicationError


class BrandingError(ApplicationError):
    code = "invalid_branding"


LOGO_MAX_BYTES_DEFAULT = 512 * 1024
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}


def _logo_kind(data: bytes) -> str | None:
    """The logo's real type from its content (never from its name or the browser's claim)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return "svg"
    return None


_SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}


def _svg_check(data: bytes) -> None:
    """An SVG is a document that can carry scripts: accept only plain drawings. No DTD or entities
    (entity expansion), no scripts or event handlers, no links out of the file."""
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise BrandingError("SVG logos may not contain a DOCTYPE or entities.")
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError:
        raise BrandingError("The SVG file cannot be read.") from None
    if root.tag.rsplit("}", 1)[-1].lower() != "svg":
        raise BrandingError("The file is not an SVG image.")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in _SVG_FORBIDDEN_TAGS:
            raise BrandingError(f"SVG logos may not contain <{tag}> elements.")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise BrandingError("SVG logos may not contain event handlers.")
            if local == "href" and not value.strip().startswith("#"):
                raise BrandingError("SVG logos may not link to other files.")
            if "javascript:" in value.lower() or "url(http" in value.lower().replace(" ", ""):
                raise BrandingError("SVG logos may not reference scripts or outside resources.")
        if tag == "style" and element.text and ("@import" in element.text or "url(" in element.text):
            raise BrandingError("SVG logos may not load outside styles or resources.")


def logo_validate(*, data: bytes, max_bytes: int) -> str:
    """Checks an uploaded logo and returns its extension. PNG, JPEG or SVG, at most max_bytes."""
    if not data:
        raise BrandingError("The logo file is empty.")
    if len(data) > max_bytes:
        raise BrandingError(f"The logo is {len(data) // 1024} KB; the limit is {max_bytes // 1024} KB.")
    kind = _logo_kind(data)
    if kind is None:
        raise BrandingError("The logo must be a PNG, JPEG or SVG image.")
    if kind == "svg":
        _svg_check(data)
    return kind
