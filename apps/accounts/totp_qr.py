"""QR codes of otpauth:// URIs (segno), so an authenticator app can scan the set-up key: inline SVG for the
portal's set-up page (no script, no image request, nothing for the CSP to allow) and text for a terminal."""

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def _qr(uri: str) -> segno.QRCode:
    # error correction M: readable off a slightly glossy screen, still a small symbol
    return segno.make(uri, error="m", micro=False)


def qr_svg(uri: str, *, title: str = "QR code of the set-up key") -> SafeString:
    """The QR code as an inline <svg> element. segno writes only numbers and its own path data; the title
    is escaped by segno."""
    svg = _qr(uri).svg_inline(scale=5, border=2, dark="#000", light="#fff", title=title, svgclass="totp-qr")
    return mark_safe(svg)  # noqa: S308 - segno's own markup, the only text in it (the title) escaped


def qr_terminal(uri: str) -> str:
    """The QR code drawn with block characters, for a terminal (black on white)."""
    out = io.StringIO()
    _qr(uri).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def secret_grouped(secret: str) -> str:
    """The base32 secret in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
