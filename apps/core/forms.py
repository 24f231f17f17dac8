"""Form fields more than one page uses."""

from django import forms

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
