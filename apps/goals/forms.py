"""Forms of the goal pages (investor web pages and the staff portal alike)."""

from decimal import Decimal

from django import forms

from apps.goals.models import DEFAULT_INFLATION, DEFAULT_RETURNS


def _percent(label: str, initial: Decimal) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, initial=initial, required=False)


class GoalForm(forms.Form):
    name = forms.CharField(max_length=100)
    target_amount = forms.DecimalField(label="Target (in today's rupees)", max_digits=18, decimal_places=2, min_value=1)
    target_date = forms.DateField(widget=forms.DateInput({"type": "date"}))
    inflation = _percent("Inflation, % a year", DEFAULT_INFLATION)
    return_equity = _percent("Expected return on equity, %", DEFAULT_RETURNS["equity"])
    return_hybrid = _percent("Expected return on hybrid, %", DEFAULT_RETURNS["hybrid"])
    return_debt = _percent("Expected return on debt, %", DEFAULT_RETURNS["debt"])
    return_other = _percent("Expected return on other funds, %", DEFAULT_RETURNS["other"])

    def changes(self) -> dict:
        """The filled-in fields (blank assumptions keep the defaults or the goal's current values)."""
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class GoalLinkForm(forms.Form):
    """`target` is "holding:<public id>" or "sip:<public id>" from the investor's own lists."""

    target = forms.ChoiceField(label="Holding or SIP", choices=())
    share = forms.DecimalField(label="Share, %", max_digits=5, decimal_places=2, min_value=Decimal("0.01"),
                               max_value=Decimal("100"), initial=Decimal("100"))  # fmt: skip

    def __init__(self, *args, holdings=(), sips=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (f"holding:{h.public_id}", f"{h.scheme.name if h.scheme_id else h.source_name} ({h.folio.folio_number})")
            for h in holdings
        ]
        choices += [(f"sip:{s.public_id}", f"SIP of Rs {s.amount} in {s.scheme.name}") for s in sips]
        self.fields["target"].choices = choices

    def target_kind_and_id(self) -> tuple[str, str]:
        kind, _, public_id = self.cleaned_data["target"].partition(":")
        return kind, public_id
