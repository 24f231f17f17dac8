"""The investor's basket form on the web pages: one row per fund chosen (its AMFI code, carried in a hidden
input, and the amount to put in it), shape and format checks only; the rules are the orders services'."""

from django import forms

from apps.orders.services.baskets import BASKET_MAX_LINES


class BasketLineForm(forms.Form):
    amfi_code = forms.RegexField(
        label="Fund",
        regex=r"^\s*\d{1,12}\s*$",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose this fund again from the search below.",
            "invalid": "Choose this fund again from the search below.",
        },
    )
    amount = forms.DecimalField(
        label="Amount (₹)", min_value=1, max_digits=14, decimal_places=2,
        error_messages={"required": "Enter the amount to invest in this fund."},
    )  # fmt: skip


class BaseBasketFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise forms.ValidationError("Add at least one fund and its amount.")

    def filled(self) -> list[tuple[int, dict]]:
        """(row index, cleaned data) of each row the investor filled in, in the order shown."""
        return [(i, form.cleaned_data) for i, form in enumerate(self.forms) if form.cleaned_data]


BasketFormSet = forms.formset_factory(
    BasketLineForm, formset=BaseBasketFormSet, extra=0, max_num=BASKET_MAX_LINES, validate_max=True
)


class BasketKeyForm(forms.Form):
    # A fresh UUID rendered with each blank form: the same form sent twice names the same basket.
    request_key = forms.UUIDField(widget=forms.HiddenInput)


def basket_typed_amounts(data) -> dict[str, str]:
    """AMFI code -> the amount typed beside it, read from a sent basket form without checking it (to keep
    what was typed while funds are added or removed)."""
    try:
        count = min(int(data.get("lines-TOTAL_FORMS") or 0), BASKET_MAX_LINES)
    except ValueError:
        count = 0
    amounts = {}
    for i in range(count):
        code = (data.get(f"lines-{i}-amfi_code") or "").strip()
        if code:
            amounts[code] = (data.get(f"lines-{i}-amount") or "").strip()
    return amounts
