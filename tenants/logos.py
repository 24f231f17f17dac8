"""Checks of an uploaded brand logo: its real type from its content, its size, and for SVG a sanitiser.

The SVG sanitiser is an allow-list, not a deny-list. The file is parsed by lxml with entities, DTD
loading and network access off; a DOCTYPE, an entity or a processing instruction (`<?xml-stylesheet?>`)
is refused. Anything that can run, load or animate is refused with a message naming it: scripts,
event handlers, `<foreignObject>`, animation elements (`<animate>`, `<set>`, ...), links that are not
`#fragment`s (a PNG or JPEG `data:` URI is the one exception, on `<image>`), `url()` other than
`url(#id)`, CSS escapes, `@import` and any other at-rule. What is stored is not the upload: it is a new
document rebuilt from the allowed SVG elements and attributes only (editor metadata, comments and
unknown attributes are dropped), so anything the checks did not think of is left out, not copied.
A PNG or JPEG is opened and verified by Pillow (a whole image of at most 4096 x 4096 pixels) and stored as
uploaded; served with `nosniff` it is only ever an image.
"""

import io
import re

from lxml import etree
from PIL import Image, UnidentifiedImageError

from apps.core.exceptions import ApplicationError


class BrandingError(ApplicationError):
    code = "invalid_branding"


class LogoError(BrandingError):
    """What is wrong is the logo file (forms show it beside the logo field)."""


LOGO_MAX_BYTES_DEFAULT = 512 * 1024
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _logo_kind(data: bytes) -> str | None:
    """The logo's real type from its content (never from its name or the browser's claim)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return "svg"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: refused below with a clear message
        return "svg"
    return None


# --- The allow-list ----------------------------------------------------------------------------------

_ALLOWED_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use", "style",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath", "image",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker",
        "filter", "feBlend", "feColorMatrix", "feComposite", "feDropShadow", "feFlood", "feGaussianBlur",
        "feMerge", "feMergeNode", "feMorphology", "feOffset",
    }
)  # fmt: skip
# Elements that can run code, load other documents or change attributes over time: refused by name.
_REFUSED_ELEMENTS = frozenset(
    {
        "script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener",
        "animate", "set", "animatemotion", "animatetransform", "animatecolor", "discard", "a", "feimage",
    }
)  # fmt: skip
# Editor metadata: dropped with its content without a word.
_DROPPED_ELEMENTS = frozenset({"metadata"})

_PRESENTATION = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity",
        "clip-path", "clip-rule", "mask", "filter", "color", "display", "visibility", "stop-color",
        "stop-opacity", "flood-color", "flood-opacity", "font-family", "font-size", "font-weight",
        "font-style", "font-variant", "text-anchor", "dominant-baseline", "alignment-baseline",
        "letter-spacing", "word-spacing", "text-decoration", "paint-order", "vector-effect",
        "shape-rendering", "text-rendering", "image-rendering", "color-interpolation-filters",
        "mix-blend-mode", "isolation", "marker-start", "marker-mid", "marker-end", "overflow",
    }
)  # fmt: skip
_ATTRIBUTES = _PRESENTATION | frozenset(
    {
        "id", "class", "style", "version", "viewBox", "preserveAspectRatio", "width", "height",
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points",
        "pathLength", "transform", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
        "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
        "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
        "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
        "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "type",
        "values", "operator", "k1", "k2", "k3", "k4", "radius", "href",
    }
)  # fmt: skip

_URL_RE = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL_RE = re.compile(r"url\(\s*#[A-Za-z_][\w.:-]*\s*\)")
_FRAGMENT_RE = re.compile(r"#[A-Za-z_][\w.:-]*")
_DATA_IMAGE_RE = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+")
_STYLE_SHEET_RE = re.compile(r"[A-Za-z0-9_\-.#\s,:;{}()%*>+~'\"!=\[\]/]*")  # no '@', '\\', '<' or '&'
_CSS_PROPERTY_RE = re.compile(r"-?[a-z][a-z-]*")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _namespace(name: str) -> str:
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""


def _css_value_check(value: str) -> None:
    """A value in an attribute, a style attribute or a `<style>` element: plain values only."""
    if "\\" in value:
        raise LogoError("SVG logos may not contain CSS escapes.")
    lowered = value.lower()
    if "@" in lowered:
        raise LogoError("SVG logos may not contain CSS at-rules such as @import.")
    if "expression(" in lowered.replace(" ", "") or "script:" in lowered.replace(" ", ""):
        raise LogoError("SVG logos may not reference scripts.")
    if len(_URL_RE.findall(value)) != len(_LOCAL_URL_RE.findall(value)):
        raise LogoError("SVG logos may only use url(#id) references to their own parts.")


def _style_attribute_clean(value: str) -> str:
    """A `style` attribute rebuilt from known presentation properties with checked values."""
    _css_value_check(value)
    kept = []
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        prop, sep, prop_value = declaration.partition(":")
        prop = prop.strip().lower()
        if not sep or not _CSS_PROPERTY_RE.fullmatch(prop):
            raise LogoError("The SVG logo has a style attribute that cannot be read.")
        if prop in _PRESENTATION:
            kept.append(f"{prop}:{prop_value.strip()}")
    return ";".join(kept)


def _style_sheet_clean(text: str) -> str:
    _css_value_check(text)
    if not _STYLE_SHEET_RE.fullmatch(text):
        raise LogoError("The SVG logo's <style> holds characters a plain style sheet does not need.")
    return text


def _href_clean(tag: str, value: str) -> str:
    value = value.strip()
    if _FRAGMENT_RE.fullmatch(value):
        return value
    if tag == "image" and _DATA_IMAGE_RE.fullmatch(value):
        return value
    raise LogoError("SVG logos may not link to other files (only to #parts of themselves).")


def _attribute_clean(tag: str, name: str, value: str) -> tuple[str, str] | None:
    """The attribute as it is stored, None to drop it (unknown or another namespace's), or BrandingError."""
    local, namespace = _local(name), _namespace(name)
    if local.lower().startswith("on"):
        raise LogoError("SVG logos may not contain event handlers.")
    if local == "href" and namespace in ("", XLINK_NS):
        return "href", _href_clean(tag, value)
    if namespace == XML_NS and local == "space":
        return name, "preserve" if value == "preserve" else "default"
    if namespace or local not in _ATTRIBUTES:
        return None
    if local == "style":
        return "style", _style_attribute_clean(value)
    _css_value_check(value)
    return local, value


def _element_copy(source, parent):
    """A clean copy of an SVG element appended to parent (None for the root); raises BrandingError."""
    tag = _local(source.tag)
    if tag.lower() in _REFUSED_ELEMENTS:
        raise LogoError(f"SVG logos may not contain <{tag}> elements.")
    if tag not in _ALLOWED_ELEMENTS:
        raise LogoError(f"SVG logos may not contain <{tag}> elements (plain drawings only).")
    attrs = {}
    for name, value in source.attrib.items():
        cleaned = _attribute_clean(tag, name, value)
        if cleaned is not None:
            attrs[cleaned[0]] = cleaned[1]
    if tag == "image" and "href" not in attrs:
        raise LogoError("An <image> in an SVG logo must hold its picture as a PNG or JPEG data: URI.")
    target = etree.Element(f"{{{SVG_NS}}}{tag}", nsmap={None: SVG_NS}) if parent is None else None
    if target is None:
        target = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for name, value in attrs.items():
        target.set(name, value)
    if tag == "style":
        if len(source):
            raise LogoError("The SVG logo's <style> may hold only a plain style sheet.")
        target.text = _style_sheet_clean(source.text or "")
    else:
        target.text = source.text
        _children_copy(source, target)
    return target


def _children_copy(source, target) -> None:
    last = None
    for child in source:
        if isinstance(child, etree._ProcessingInstruction):
            raise LogoError("SVG logos may not contain processing instructions such as xml-stylesheet.")
        if isinstance(child, etree._Entity):
            raise LogoError("SVG logos may not contain a DOCTYPE or entities.")
        copied = None
        if isinstance(child.tag, str) and _namespace(child.tag) == SVG_NS:
            if _local(child.tag) not in _DROPPED_ELEMENTS:
                copied = _element_copy(child, target)
        elif isinstance(child.tag, str) and _local(child.tag).lower() in _REFUSED_ELEMENTS:
            raise LogoError(f"SVG logos may not contain <{_local(child.tag)}> elements.")
        # comments and other namespaces' elements (editor data) are dropped; the text after them is kept
        if copied is not None:
            copied.tail = child.tail
            last = copied
        elif child.tail:
            if last is None:
                target.text = (target.text or "") + child.tail
            else:
                last.tail = (last.tail or "") + child.tail


def _svg_parse(data: bytes):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise LogoError("SVG logos must be UTF-8 text.") from None
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(data, parser).getroottree()  # noqa: S320 - entities, DTD and network off
    except etree.XMLSyntaxError:
        raise LogoError("The SVG file cannot be read.") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or b"<!entity" in data.lower():
        raise LogoError("SVG logos may not contain a DOCTYPE or entities.")
    root = tree.getroot()
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if isinstance(sibling, etree._ProcessingInstruction):
            raise LogoError("SVG logos may not contain processing instructions such as xml-stylesheet.")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoError("The file is not an SVG image.")
    return root


def svg_sanitise(data: bytes) -> bytes:
    """The SVG rebuilt from the allow-list (UTF-8, no prolog beyond the XML declaration); BrandingError
    names the first thing that is not allowed."""
    clean = _element_copy(_svg_parse(data), None)
    return etree.tostring(clean, xml_declaration=True, encoding="UTF-8")


LOGO_MAX_PIXELS = 4096 * 4096
_PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG"}


def _raster_check(data: bytes, kind: str) -> None:
    """A PNG or JPEG that really is one, whole, of sane dimensions (no decompression bomb)."""
    try:
        with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as image:
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise LogoError(f"The logo is {image.width}x{image.height} pixels; at most 4096x4096, please.")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise LogoError(f"The logo is not a complete {kind.upper()} image (damaged or cut short).") from None


def logo_prepare(*, data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """Checks an uploaded logo; returns the bytes to store and their extension. PNG, JPEG or SVG of at
    most max_bytes; an SVG is stored as sanitised by `svg_sanitise`."""
    if not data:
        raise LogoError("The logo file is empty.")
    if len(data) > max_bytes:
        raise LogoError(f"The logo is {len(data) // 1024} KB; the limit is {max_bytes // 1024} KB.")
    kind = _logo_kind(data)
    if kind is None:
        raise LogoError("The logo must be a PNG, JPEG or SVG image.")
    if kind == "svg":
        return svg_sanitise(data), kind
    _raster_check(data, kind)
    return data, kind


def logo_validate(*, data: bytes, max_bytes: int) -> str:
    """Checks an uploaded logo and returns its extension (see `logo_prepare`)."""
    return logo_prepare(data=data, max_bytes=max_bytes)[1]
