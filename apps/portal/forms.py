"""Input forms of the staff portal: shape and format checks only. Business rules are the services'."""

from django import forms

from apps.core.forms import one_time_code_field


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = one_time_code_field(label="Code from your authenticator app", spaced=True)


class SecondStepForm(forms.Form):
    """The sign-in's second step: the authenticator's code, or one of the backup codes."""

    code = forms.RegexField(
        label="Code from your authenticator app, or a backup code",
        regex=r"^\s*(\d{3} ?\d{3}|[A-Za-z2-9]{5}[- ]?[A-Za-z2-9]{5})\s*$",
        error_messages={"invalid": "Enter the 6-digit code from your app, or a backup code like abcde-fghjk."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "maxlength": 11, "autocapitalize": "off"}),
    )


class StaffTotpPolicyForm(forms.Form):
    required = forms.BooleanField(label="Require two-step sign-in for every staff member", required=False)


class BrandingForm(forms.Form):
    display_name = forms.CharField(label="Display name", max_length=100)
    primary_color = forms.CharField(
        label="Primary colour",
        max_length=7,
        help_text="Header and buttons; white text sits on it, so it must be dark enough.",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_color = forms.CharField(label="Accent colour", max_length=7, widget=forms.TextInput(attrs={"type": "color"}))
    support_email = forms.EmailField(label="Support e-mail", required=False)
    support_phone = forms.CharField(label="Support phone", max_length=20, required=False)
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG or SVG, at most 512 KB. Shown about 36 pixels high.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)


class InviteForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="E-mail", required=False)
    mobile = forms.CharField(label="Mobile", max_length=15, required=False, help_text="10 digits, e.g. 9812345678")
    pan = forms.CharField(label="PAN", max_length=10, required=False, help_text="Optional; starts the KYC check")
    relationship_manager = forms.TypedChoiceField(
        label="Relationship manager", required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.managers = {m.pk: m for m in managers}
        if managers:
            self.fields["relationship_manager"].choices = [("", "None")] + [
                (m.pk, m.user.get_full_name()) for m in managers
            ]
        else:
            del self.fields["relationship_manager"]


# What each role may do, in words, least privileged first (the order "Add a colleague" offers them).
ROLE_EXPLANATIONS = {
    "read_only": "Sees investors, orders, SIPs and reports; changes nothing.",
    "operations": "Read-only, plus running the back office: KYC re-checks, order retries and cancellations, "
    "registrar feeds and reconciliation, CAS uploads.",
    "rm": "Looks after their own investors only: invites investors, uploads CAS statements and places orders on "
    "their instruction. Needs an EUIN.",
    "admin": "Everything in the portal except adding or changing owners: staff, branding, assignments, "
    "exchange settings.",
    "owner": "Everything, including adding and changing other owners.",
}


class StaffAddForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(
        label="Role",
        choices=(),
        help_text="Starts at the least access; give more only when the colleague needs it.",
    )
    euin = forms.CharField(label="EUIN", max_length=20, required=False, help_text="Relationship managers: E123456")

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        ordered = sorted(roles, key=lambda role: list(ROLE_EXPLANATIONS).index(role[0]))
        self.fields["role"].choices = ordered
        if ordered:
            self.fields["role"].initial = ordered[0][0]
        self.role_explanations = [(label, ROLE_EXPLANATIONS[value]) for value, label in ordered]


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=())
    kind = forms.ChoiceField(label="Type", required=False, choices=())
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, statuses=(), kinds=(), kind_label="Type", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = kind_label
        self.fields["status"].choices = [("", "Any")] + list(statuses)
        self.fields["kind"].choices = [("", "Any")] + list(kinds)

    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored, as the page shows its error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class SipFilterForm(OrderFilterForm):
    """The SIP book's filters: the order list's, and whether an instalment falls due this week."""

    DUE_THIS_WEEK = "week"
    due = forms.ChoiceField(label="Due", required=False, choices=[("", "Any time"), (DUE_THIS_WEEK, "This week")])
