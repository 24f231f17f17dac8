"""Order forms shared by the investor web pages and the staff portal: shape and format checks only; the
rules are the orders services'."""

from decimal import Decimal

from django import forms
from django.conf import settings

from apps.core.forms import PlainDecimalFormField, one_time_code_field


class OrderForm(forms.Form):
    """A purchase or a redemption from a web form: the investor's own (apps/web) or one staff record on
    their behalf (apps/portal)."""

    # A fresh UUID rendered with each blank form: the same form sent twice names the same request, so the
    # orders service writes one order.
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    KINDS = [
        ("purchase", "Purchase (by amount)"),
        ("redemption", "Redemption (by units)"),
        ("switch", "Switch to another fund (by units)"),
    ]

    kind = forms.ChoiceField(label="Order type", choices=KINDS)
    # The fund is chosen with the page's fund picker (apps/funds/picker.py), which writes its AMFI code here.
    amfi_code = forms.RegexField(
        label="Fund",
        regex=r"^\s*\d{1,12}\s*$",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a fund: search for it above and pick it from the list.",
            "invalid": "Choose a fund from the list.",
        },
    )
    to_amfi_code = forms.RegexField(
        label="Fund to switch into",
        regex=r"^\s*\d{1,12}\s*$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Choose the fund to switch into from the list."},
    )
    amount = PlainDecimalFormField(
        label="Amount (₹)",
        required=False,
        min_value=1,
        max_value=Decimal(settings.ORDERS_MAX_AMOUNT),
        max_digits=14,
        decimal_places=2,
        invalid="Enter the amount in rupees with the digits 0-9, e.g. 5000 or 5000.50.",
    )
    units = PlainDecimalFormField(
        label="Units",
        required=False,
        min_value=Decimal("0.0001"),
        max_value=Decimal(settings.ORDERS_MAX_UNITS),
        max_digits=18,
        decimal_places=4,
        invalid="Enter the units with the digits 0-9 and at most 4 decimals, e.g. 12.5.",
    )
    folio_number = forms.CharField(label="Folio", max_length=40, required=False, help_text="Needed for a redemption.")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "purchase":
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", "A purchase needs an amount.")
            data["units"] = None
        elif kind in ("redemption", "switch"):
            if not data.get("units") and "units" not in self.errors:
                what = "A redemption" if kind == "redemption" else "A switch"
                self.add_error("units", f"{what} needs the number of units.")
            data["amount"] = None
        if kind == "switch":
            if not data.get("to_amfi_code") and "to_amfi_code" not in self.errors:
                self.add_error("to_amfi_code", "Choose the fund to switch into: search for it and pick it.")
        else:
            data["to_amfi_code"] = ""
        return data

    def order_arguments(self) -> dict:
        """The valid form as keyword arguments of apps.orders.services.forms.order_place_from_form."""
        data = self.cleaned_data
        return {
            "idempotency_key": str(data["request_key"]),
            "kind": data["kind"],
            "amfi_code": data["amfi_code"],
            "to_amfi_code": data.get("to_amfi_code", ""),
            "amount": data.get("amount"),
            "units": data.get("units"),
            "folio_number": data.get("folio_number", ""),
        }


class OrderOtpForm(forms.Form):
    code = one_time_code_field(label="One-time code", invalid="Enter the 6-digit code we sent you.")
