"""The one check of a brand colour: the model field, onboarding and the branding settings all use it."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
COLOUR_HELP = "#RRGGBB"

colour_validator = RegexValidator(COLOUR_RE, f"Colour must be {COLOUR_HELP}.")


def colour_is_valid(value: str | None) -> bool:
    return bool(COLOUR_RE.match(value or ""))


def colour_clean(value: str | None, *, label: str) -> str:
    """`#rrggbb` (surrounding spaces allowed) as `#RRGGBB`; anything else is a ValidationError naming the
    colour (`label`: "primary", "accent")."""
    cleaned = (value or "").strip()
    if not colour_is_valid(cleaned):
        raise ValidationError(f"Invalid {label} colour {value!r}: use {COLOUR_HELP}.", code="invalid_colour")
    return cleaned.upper()
