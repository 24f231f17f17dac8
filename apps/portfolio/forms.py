"""The CAS upload form shared by the investor web pages and the staff portal (shape checks only)."""

from django import forms


class CasUploadForm(forms.Form):
    statement = forms.FileField(
        label="CAS statement (PDF)",
        help_text="The Consolidated Account Statement from CAMS, KFintech, NSDL or CDSL; at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    password = forms.CharField(
        label="PDF password",
        max_length=64,
        strip=False,
        help_text="Usually the PAN in capitals, or the one chosen when the statement was requested.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
