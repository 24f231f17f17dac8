"""Input forms of the investor web pages: shape and format checks only."""

from django import forms


class InvitationAcceptForm(forms.Form):
    code = forms.RegexField(
        label="Code we sent you",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6-digit code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6}),
    )
    password = forms.CharField(
        label="Choose a password (optional)",
        required=False,
        strip=False,
        help_text="At least 10 characters. Without one, you sign in with a code each time.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
