"""WCAG 2.x colour arithmetic: the brand colours are the distributor's choice, so which text colour
reads on them is computed, and branding settings refuse a primary colour white text cannot sit on."""

from tenants.validators import colour_is_valid

WHITE = "#FFFFFF"
NEAR_BLACK = "#111111"
MIN_TEXT_CONTRAST = 4.5  # WCAG AA, normal text


def relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_on(background: str) -> str:
    """White or near-black, whichever contrasts more with the background."""
    if not colour_is_valid(background):
        return NEAR_BLACK
    return WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, NEAR_BLACK) else NEAR_BLACK
