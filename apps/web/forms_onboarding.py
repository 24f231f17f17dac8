"""Forms of the onboarding pages: shape and format checks only; the accounts services decide the rest and
their errors are put beside the field they name."""

from django import forms

from apps.accounts.models import BankAccount, Investor, Nominee
from apps.accounts.validators import InvalidInput, pan_normalize
from apps.core.forms import one_time_code_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Name as on your PAN card", max_length=200)
    pan = forms.CharField(
        label="PAN",
        max_length=10,
        help_text="10 characters, e.g. ABCDE1234F.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=DATE_WIDGET)
    occupation = forms.ChoiceField(label="Occupation", choices=[("", "Choose…"), *Investor.Occupation.choices])
    address_line1 = forms.CharField(label="Address", max_length=120)
    address_line2 = forms.CharField(label="Address (line 2)", max_length=120, required=False)
    city = forms.CharField(label="City", max_length=60)
    state = forms.CharField(label="State", max_length=60)
    pincode = forms.RegexField(
        label="PIN code",
        regex=r"^\s*[1-9][0-9]{5}\s*$",
        error_messages={"invalid": "PIN code must be 6 digits and cannot start with 0."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6}),
    )

    def __init__(self, *args, pan_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if pan_locked:
            self.fields["pan"].disabled = True
            self.fields["pan"].help_text = "Your PAN cannot change once your KYC is verified."

    def clean_pan(self) -> str:
        if self.fields["pan"].disabled:
            return self.initial.get("pan", "")
        try:
            return pan_normalize(self.cleaned_data["pan"])
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc)) from None

    def profile_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "pan"}
        data["pincode"] = data["pincode"].strip()
        if not self.fields["pan"].disabled:
            data["pan"] = self.cleaned_data["pan"]
        return data


class BankAccountForm(forms.Form):
    account_number = forms.CharField(
        label="Account number", max_length=24, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    ifsc = forms.CharField(
        label="IFSC",
        max_length=11,
        help_text="11 characters on your cheque book or pass book, e.g. HDFC0001234.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters"}),
    )
    account_type = forms.ChoiceField(label="Account type", choices=BankAccount.AccountType.choices)
    bank_name = forms.CharField(
        label="Bank name", max_length=120, required=False, help_text="Leave empty: we find it from the IFSC."
    )
    make_primary = forms.BooleanField(label="Pay my redemptions into this account", required=False)


class CodeForm(forms.Form):
    code = one_time_code_field(label="Code we sent you")


class NominationForm(forms.Form):
    choice = forms.ChoiceField(
        label="Nomination",
        choices=[("nominees", "I name nominees"), ("opt_out", "I do not want to name a nominee")],
        widget=forms.RadioSelect,
    )


class NomineeForm(forms.Form):
    name = forms.CharField(label="Nominee's name", max_length=200, required=False)
    relationship = forms.ChoiceField(
        label="Relationship", choices=[("", "Choose…"), *Nominee.Relationship.choices], required=False
    )
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DATE_WIDGET)
    share_percent = forms.DecimalField(label="Share (%)", max_digits=5, decimal_places=2, required=False)
    guardian_name = forms.CharField(
        label="Guardian's name", max_length=200, required=False, help_text="Only for a nominee under 18."
    )

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in ("name", "relationship", "share_percent"))

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            if not data.get("name"):
                self.add_error("name", "Give the nominee's name.")
            if not data.get("relationship"):
                self.add_error("relationship", "Choose the relationship.")
            if data.get("share_percent") is None:
                self.add_error("share_percent", "Give the nominee's share.")
        return data


class FatcaForm(forms.Form):
    country_of_birth = forms.CharField(label="Country of birth", max_length=60, initial="India")
    place_of_birth = forms.CharField(label="Place (city) of birth", max_length=60)
    income_slab = forms.ChoiceField(label="Yearly income", choices=[("", "Choose…"), *Investor.IncomeSlab.choices])
    wealth_source = forms.ChoiceField(
        label="Source of wealth", choices=[("", "Choose…"), *Investor.WealthSource.choices]
    )
    politically_exposed = forms.TypedChoiceField(
        label="Are you, or a close relative, a politically exposed person?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    tax_resident_outside_india = forms.TypedChoiceField(
        label="Do you pay tax in a country other than India?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
