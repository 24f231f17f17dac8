"""Forms of the statement pages (investor web pages and the staff portal alike)."""

from django import forms

from apps.reports.capital_gains import financial_year_label, financial_year_start
from apps.reports.models import StatementKind
from apps.reports.selectors import today_ist


def financial_year_choices(years: int = 8) -> list[tuple[str, str]]:
    current = financial_year_start(today_ist())
    return [(financial_year_label(y), f"FY {financial_year_label(y)}") for y in range(current, current - years, -1)]


class StatementRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=StatementKind.choices, label="Statement")
    financial_year = forms.ChoiceField(choices=(), required=False, label="Financial year (capital gains)")
    period_from = forms.DateField(required=False, label="From (transactions)", widget=forms.DateInput({"type": "date"}))
    period_to = forms.DateField(required=False, label="To (transactions)", widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = financial_year_choices()

    def statement_arguments(self) -> dict:
        """The valid form as keyword arguments of apps.reports.services statement_request."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "financial_year": data["financial_year"] if data["kind"] == "capital_gains" else "",
            "period_from": data["period_from"],
            "period_to": data["period_to"],
        }


class StatementBatchForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in StatementKind.choices if c[0] != StatementKind.FAMILY], label="Statement for everyone"
    )
    financial_year = forms.ChoiceField(choices=(), label="Financial year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = financial_year_choices()
