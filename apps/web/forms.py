"""Input forms of the investor web pages: shape and format checks only."""

from django import forms

from apps.core.forms import one_time_code_field


class InvitationAcceptForm(forms.Form):
    code = one_time_code_field(label="Code we sent you")
    password = forms.CharField(
        label="Choose a password (optional)",
        required=False,
        strip=False,
        help_text="At least 10 characters. Without one, you sign in with a code each time.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
