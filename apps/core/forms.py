"""Form fields more than one page uses."""

import re

from django import forms

from apps.core.fields import plain_decimal_pattern

SIX_DIGITS = r"^\s*\d{6}\s*$"
SIX_DIGITS_SPACED = r"^\s*\d{3}\s?\d{3}\s*$"  # "123 456", as authenticator apps show it


def one_time_code_field(*, label: str, invalid: str = "Enter the 6-digit code.", spaced: bool = False):
    """A 6-digit one-time code (an SMS or e-mail OTP, a TOTP), with the hints phones use to fill it in."""
    return forms.RegexField(
        label=label,
        regex=SIX_DIGITS_SPACED if spaced else SIX_DIGITS,
        error_messages={"invalid": invalid},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7 if spaced else 6}
        ),
    )


def form_add_errors(form: forms.BaseForm, error) -> None:
    """Put a service's refusal (an ApplicationError) beside the fields it names (`extra.fields`, as the API
    reports it), the rest above the form; several at once."""
    fields = (getattr(error, "extra", None) or {}).get("fields") or {}
    placed = False
    for name, messages in fields.items():
        if name in form.fields:
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, getattr(error, "message", str(error)))


class PlainDecimalFormField(forms.DecimalField):
    """A decimal typed into a page: ASCII digits with an optional point (commas between digits, as in
    "1,00,000", and spaces around are forgiven). Exponents, signs and digits of other scripts are refused
    with `invalid` in plain words instead of being read as numbers."""

    def __init__(self, *, invalid: str, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid"] = invalid
        self._pattern = re.compile(plain_decimal_pattern(self.decimal_places))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if re.fullmatch(r"[0-9]{1,3}(,[0-9]{2,3})*(\.[0-9]*)?", text):
            text = text.replace(",", "")
        if not self._pattern.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)
