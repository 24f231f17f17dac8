"""The investor's basket form on the web pages: one row per fund (its AMFI code and the amount to put in
it), shape and format checks only; the rules are the orders services'."""

from django import forms

from apps.orders.services.baskets import BASKET_MAX_LINES

BASKET_ROWS = 3


class BasketLineForm(forms.Form):
    amfi_code = forms.RegexField(
        label="Fund (AMFI code)",
        regex=r"^\s*\d{1,12}\s*$",
        error_messages={"invalid": "Enter the fund's AMFI code (digits); find it on the fund's page."},
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
    BasketLineForm, formset=BaseBasketFormSet, extra=BASKET_ROWS, max_num=BASKET_MAX_LINES, validate_max=True
)


class BasketKeyForm(forms.Form):
    # A fresh UUID rendered with each blank form: the same form sent twice names the same basket.
    request_key = forms.UUIDField(widget=forms.HiddenInput)


def basket_formset_one_more_row(data) -> BaseBasketFormSet:
    """The rows as typed (unchecked, so no errors show yet) and one empty row more, up to the limit."""
    try:
        count = min(int(data.get("lines-TOTAL_FORMS") or BASKET_ROWS), BASKET_MAX_LINES)
    except ValueError:
        count = BASKET_ROWS
    initial = [{"amfi_code": data.get(f"lines-{i}-amfi_code", ""), "amount": data.get(f"lines-{i}-amount")}
               for i in range(count)]  # fmt: skip
    grown = forms.formset_factory(
        BasketLineForm, formset=BaseBasketFormSet, extra=1 if count < BASKET_MAX_LINES else 0,
        max_num=BASKET_MAX_LINES, validate_max=True,
    )  # fmt: skip
    return grown(prefix="lines", initial=initial)
