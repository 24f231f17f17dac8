"""SIP forms shared by the investor web pages and the staff portal: the shape of a SIP (amount, frequency,
date, start month, instalments, the mandate to debit) checked against what the scheme allows, each error
beside its field. The rules that need the database (KYC, the mandate's state) are the SIP service's."""

from datetime import date

from django import forms

from apps.core.forms import one_time_code_field
from apps.core.money import format_inr
from apps.orders.selectors import SipOptions

NEW_MANDATE = "new"
MONTHS_AHEAD = 12


def month_choices(*, today: date) -> list[tuple[str, str]]:
    """This month and the next MONTHS_AHEAD - 1, as ("2026-12", "December 2026")."""
    choices = []
    year, month = today.year, today.month
    for _ in range(MONTHS_AHEAD):
        choices.append((f"{year:04d}-{month:02d}", date(year, month, 1).strftime("%B %Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


class SipStartForm(forms.Form):
    """A new SIP into one scheme. `mandates` are the investor's usable mandates; `bank_accounts`, when
    given, let the investor register a new mandate on one of them (the web pages; staff pick an existing
    mandate)."""

    # a fresh UUID with each blank form: the same form sent twice writes one SIP
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label="Instalment amount (₹)", max_digits=14, decimal_places=2)
    frequency = forms.ChoiceField(label="Frequency")
    day = forms.TypedChoiceField(
        label="SIP date", coerce=int, help_text="The day of the month the instalment is debited."
    )
    start_month = forms.ChoiceField(label="First instalment in")
    instalments = forms.IntegerField(label="Number of instalments")
    mandate = forms.ChoiceField(label="Debit from", widget=forms.RadioSelect)
    bank_account = forms.ChoiceField(label="Bank account for the new mandate", required=False)
    mandate_limit = forms.DecimalField(
        label="New mandate's limit per debit (₹)", required=False, max_digits=14, decimal_places=2,
        help_text="The most the mandate may debit at once; a higher limit lets later SIPs use it too.",
    )  # fmt: skip

    def __init__(self, *args, options: SipOptions, today: date, mandates, bank_accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.options, self.today = options, today
        self.mandates = {str(m.public_id): m for m in mandates}
        self.bank_accounts = {str(b.public_id): b for b in bank_accounts or []}
        self.fields["frequency"].choices = options.frequencies
        self.fields["day"].choices = [(d, str(d)) for d in options.days]
        self.fields["start_month"].choices = month_choices(today=today)
        self.fields["amount"].help_text = f"At least {format_inr(options.min_amount)}" + (
            f", in steps of {format_inr(options.multiple)}." if options.multiple and options.multiple > 1 else "."
        )
        self.fields["instalments"].help_text = (
            "At least " + ", ".join(f"{n} {label.lower()}" for label, n in self._min_labels()) + "."
        )
        choices = [
            (key, f"Mandate {m.exchange_mandate_id} · {m.bank_account} · limit {format_inr(m.amount_limit)} · "
                  f"{m.get_status_display()}")
            for key, m in self.mandates.items()
        ]  # fmt: skip
        if self.bank_accounts:
            choices.append((NEW_MANDATE, "Register a new mandate"))
            self.fields["bank_account"].choices = [("", "Choose an account")] + [
                (key, str(account)) for key, account in self.bank_accounts.items()
            ]
        else:
            del self.fields["bank_account"], self.fields["mandate_limit"]
        self.fields["mandate"].choices = choices

    def _min_labels(self):
        labels = dict(self.options.frequencies)
        return [(labels[f], n) for f, n in self.options.min_instalments.items() if f in labels]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < self.options.min_amount:
            raise forms.ValidationError(
                f"An instalment must be at least {format_inr(self.options.min_amount)} in this fund."
            )
        multiple = self.options.multiple
        if multiple and multiple > 0 and amount % multiple != 0:
            raise forms.ValidationError(f"The instalment must be in steps of {format_inr(multiple)}.")
        return amount

    def clean(self):
        data = super().clean()
        self._clean_instalments(data)
        self._clean_start(data)
        self._clean_mandate(data)
        return data

    def _clean_instalments(self, data) -> None:
        count, frequency = data.get("instalments"), data.get("frequency")
        if count is None or not frequency:
            return
        minimum = self.options.min_instalments.get(frequency, 1)
        if count < minimum:
            self.add_error("instalments", f"A {frequency.lower()} SIP needs at least {minimum} instalments.")
        elif count > self.options.max_instalments:
            self.add_error("instalments", f"At most {self.options.max_instalments} instalments.")

    def _clean_start(self, data) -> None:
        month, day = data.get("start_month"), data.get("day")
        if not month or not day:
            return
        year, month_no = (int(part) for part in month.split("-"))
        start = date(year, month_no, day)
        earliest = self.today.toordinal() + self.options.first_due_min_days
        if start.toordinal() < earliest:
            self.add_error(
                "start_month",
                f"The first instalment must be at least {self.options.first_due_min_days} days away: "
                f"{start:%-d %B %Y} is too soon. Choose a later month or date.",
            )
        data["start_date"] = start

    def _clean_mandate(self, data) -> None:
        choice, amount = data.get("mandate"), data.get("amount")
        if choice == NEW_MANDATE:
            if not data.get("bank_account"):
                self.add_error("bank_account", "Choose the bank account the new mandate debits.")
            limit = data.get("mandate_limit")
            if limit is None:
                self.add_error("mandate_limit", "Enter the new mandate's limit.")
            elif amount is not None and limit < amount:
                self.add_error("mandate_limit", "The limit must be at least the instalment amount.")
        elif choice in self.mandates and amount is not None and self.mandates[choice].amount_limit < amount:
            self.add_error("mandate", "This mandate's limit is below the instalment; choose another or a new one.")

    @property
    def wants_new_mandate(self) -> bool:
        return self.cleaned_data.get("mandate") == NEW_MANDATE

    def chosen_mandate(self):
        return self.mandates.get(self.cleaned_data.get("mandate"))

    def chosen_bank_account(self):
        return self.bank_accounts.get(self.cleaned_data.get("bank_account") or "")

    def sip_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "idempotency_key": str(data["request_key"]),
            "amount": data["amount"],
            "frequency": data["frequency"],
            "start_date": data["start_date"],
            "instalments": data["instalments"],
        }


class SipOtpForm(forms.Form):
    code = one_time_code_field(label="One-time code", invalid="Enter the 6-digit code we sent you.")


class SipCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you stopping this SIP?", max_length=300,
        error_messages={"required": "Tell us why you are stopping it (a few words are enough)."},
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    confirm = forms.BooleanField(
        label="Yes, stop all the instalments still to come",
        error_messages={"required": "Tick the box to confirm you want to stop this SIP."},
    )


class SipSchemeSearchForm(forms.Form):
    q = forms.CharField(label="Find a scheme", max_length=100, required=False)
