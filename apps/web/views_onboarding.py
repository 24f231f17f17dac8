"""The investor's onboarding checklist on the web: one page that lists the steps (details, KYC, bank
account, nominees, FATCA) and one page per step, each writing through the accounts services the mobile
API uses. An invitation accepted or a registration lands here until every step is done."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.accounts.kyc.interface import KycProviderError
from apps.accounts.models import KycStatus
from apps.accounts.validators import InvalidInput, account_number_normalize, bank_name_for_ifsc, ifsc_normalize
from apps.core.exceptions import ApplicationError
from apps.core.forms import form_add_errors
from apps.core.logging import mask_pan, mask_text
from apps.web.forms_onboarding import (
    BankAccountForm,
    CodeForm,
    FatcaForm,
    NominationForm,
    NomineeForm,
    ProfileForm,
)
from apps.web.views import ONBOARDING_STEP_PAGES, InvestorView

STEP_URLS = ONBOARDING_STEP_PAGES
NOMINEE_ROWS = 3


def steps_with_urls(onboarding) -> list[dict]:
    return [{"step": step, "url": reverse(STEP_URLS[step.key])} for step in onboarding.steps]


def onboarding_landing_url(investor) -> str:
    """Where an investor goes after accepting an invitation or registering: the checklist until it is
    complete, the portfolio after."""
    if accounts_selectors.investor_onboarding(investor=investor).complete:
        return reverse("web:portfolio")
    return reverse("web:onboarding")


class StartView(InvestorView):
    """/web/start/: the landing after registration (see onboarding_landing_url)."""

    def get(self, request):
        return redirect(onboarding_landing_url(request.investor))


class OnboardingStepView(InvestorView):
    """A step page: the checklist's state for the step alongside, and back to the checklist when done."""

    nav = "onboarding"
    step = ""
    template_name = ""

    def render_step(self, request, context: dict, status: int = 200):
        onboarding = accounts_selectors.investor_onboarding(investor=request.investor)
        current = next(s for s in onboarding.steps if s.key == self.step)
        return self.render(
            request,
            self.template_name,
            {"onboarding": onboarding, "current": current, "steps": steps_with_urls(onboarding), **context},
            status=status,
        )

    def done(self, request, message: str):
        messages.success(request, message)
        investor = accounts_selectors.investor_get_for_user(user=request.user)  # as the step left it
        onboarding = accounts_selectors.investor_onboarding(investor=investor)
        following = onboarding.next_step
        if following is not None:
            return redirect(reverse(STEP_URLS[following.key]))
        return redirect(reverse("web:onboarding"))


class OnboardingView(OnboardingStepView):
    template_name = "web/onboarding.html"

    def get(self, request):
        onboarding = accounts_selectors.investor_onboarding(investor=request.investor)
        following = onboarding.next_step
        context = {
            "onboarding": onboarding,
            "steps": steps_with_urls(onboarding),
            "next_url": reverse(STEP_URLS[following.key]) if following else "",
        }
        return self.render(request, self.template_name, context)


class ProfileStepView(OnboardingStepView):
    step = "profile"
    template_name = "web/onboarding_profile.html"

    def _form(self, request, data=None):
        investor = request.investor
        initial = {
            "full_name": investor.full_name,
            "pan": investor.pan or "",
            "date_of_birth": investor.date_of_birth,
            "occupation": investor.occupation,
            "address_line1": investor.address_line1,
            "address_line2": investor.address_line2,
            "city": investor.city,
            "state": investor.state,
            "pincode": investor.pincode,
        }
        return ProfileForm(data, initial=initial, pan_locked=investor.kyc_status == KycStatus.VERIFIED)

    def get(self, request):
        return self.render_step(request, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                accounts_services.investor_update_profile(
                    investor=request.investor, data=form.profile_data(), actor=request.user
                )
            except ApplicationError as exc:
                if exc.code in ("pan_taken", "pan_locked", "pan_change_limit"):
                    form.add_error("pan", exc.message)
                else:
                    form_add_errors(form, exc)
            else:
                return self.done(request, "Your details are saved.")
        return self.render_step(request, {"form": form}, status=400)


class KycStepView(OnboardingStepView):
    step = "kyc"
    template_name = "web/onboarding_kyc.html"

    def get(self, request):
        return self.render_step(request, {"pan": mask_pan(request.investor.pan or "")})

    def post(self, request):
        investor = request.investor
        context = {"pan": mask_pan(investor.pan or "")}
        if not investor.pan:
            return self.render_step(request, {**context, "error": "Add your PAN in your details first."}, status=400)
        try:
            investor = accounts_services.investor_kyc_check(investor=investor)
        except KycProviderError:
            context["error"] = "The KYC registry (KRA) is not answering just now. Try again in a few minutes."
            return self.render_step(request, context, status=503)
        request.investor = investor
        if investor.kyc_status == KycStatus.VERIFIED:
            return self.done(request, "Your KYC is verified.")
        return redirect(reverse("web:onboarding_kyc"))


@method_decorator(sensitive_post_parameters("code", "account_number"), name="dispatch")
class BankStepView(OnboardingStepView):
    """Add an account (its details, then the code sent to the registered mobile) or make another one the
    primary (payout) account (a code too). The pending request waits in the session between the two
    posts; the code is bound to exactly those details by the service."""

    step = "bank"
    template_name = "web/onboarding_bank.html"
    session_key = "web_onboarding_bank"

    def _context(self, request, **extra):
        pending = request.session.get(self.session_key)
        accounts = list(accounts_selectors.bank_account_list(investor=request.investor))
        return {
            "accounts": accounts,
            "pending": pending,
            "form": BankAccountForm(),
            "code_form": CodeForm(),
            **extra,
        }

    def get(self, request):
        if request.GET.get("restart"):
            request.session.pop(self.session_key, None)
        return self.render_step(request, self._context(request))

    def post(self, request):
        action = request.POST.get("action", "")
        handler = {
            "add": self._add_send,
            "primary": self._primary_send,
            "confirm": self._confirm,
            "cancel": self._cancel,
        }.get(action)
        if handler is None:
            return redirect(reverse("web:onboarding_bank"))
        return handler(request)

    def _cancel(self, request):
        request.session.pop(self.session_key, None)
        return redirect(reverse("web:onboarding_bank"))

    def _add_send(self, request):
        form = BankAccountForm(request.POST)
        if not form.is_valid():
            return self.render_step(request, self._context(request, form=form), status=400)
        data = form.cleaned_data
        try:
            ifsc = ifsc_normalize(data["ifsc"])
        except InvalidInput as exc:
            form.add_error("ifsc", str(exc))
            return self.render_step(request, self._context(request, form=form), status=400)
        try:
            challenge = accounts_services.bank_account_add_otp_send(
                investor=request.investor,
                account_number=data["account_number"],
                ifsc=ifsc,
                account_type=data["account_type"],
            )
        except ApplicationError as exc:
            form_add_errors(form, exc)
            return self.render_step(request, self._context(request, form=form), status=exc.status_code)
        request.session[self.session_key] = {
            "kind": "add",
            "challenge_id": str(challenge.public_id),
            "sent_to": mask_text(challenge.target),
            "account_number": account_number_normalize(data["account_number"]),
            "last4": account_number_normalize(data["account_number"])[-4:],
            "ifsc": ifsc,
            "bank_name": data["bank_name"] or bank_name_for_ifsc(ifsc),
            "account_type": data["account_type"],
            "make_primary": data["make_primary"],
        }
        return redirect(reverse("web:onboarding_bank"))

    def _primary_send(self, request):
        try:
            account = accounts_selectors.access_bank_account_by_id(
                investor=request.investor, public_id=uuid.UUID(request.POST.get("account", ""))
            )
        except ValueError:
            return redirect(reverse("web:onboarding_bank"))
        try:
            challenge = accounts_services.bank_account_primary_otp_send(investor=request.investor, bank_account=account)
        except ApplicationError as exc:
            return self.render_step(request, self._context(request, error=exc.message), status=exc.status_code)
        request.session[self.session_key] = {
            "kind": "primary",
            "challenge_id": str(challenge.public_id),
            "sent_to": mask_text(challenge.target),
            "account": str(account.public_id),
            "last4": account.account_number[-4:],
            "bank_name": account.bank_name or account.ifsc,
        }
        return redirect(reverse("web:onboarding_bank"))

    def _confirm(self, request):
        pending = request.session.get(self.session_key)
        if not pending:
            return self.render_step(request, self._context(request, error="Start again: ask for a code first."), 400)
        code_form = CodeForm(request.POST)
        if not code_form.is_valid():
            return self.render_step(request, self._context(request, code_form=code_form), status=400)
        code = code_form.cleaned_data["code"].strip()
        try:
            if pending["kind"] == "add":
                accounts_services.bank_account_add(
                    investor=request.investor,
                    account_number=pending["account_number"],
                    ifsc=pending["ifsc"],
                    account_type=pending["account_type"],
                    bank_name=pending["bank_name"],
                    make_primary=pending["make_primary"],
                    challenge_id=pending["challenge_id"],
                    code=code,
                    actor=request.user,
                )
            else:
                account = accounts_selectors.access_bank_account_by_id(
                    investor=request.investor, public_id=uuid.UUID(pending["account"])
                )
                accounts_services.bank_account_set_primary(
                    investor=request.investor,
                    bank_account=account,
                    challenge_id=pending["challenge_id"],
                    code=code,
                    actor=request.user,
                )
        except ApplicationError as exc:
            code_form.add_error("code", exc.message)
            return self.render_step(request, self._context(request, code_form=code_form), status=exc.status_code)
        request.session.pop(self.session_key, None)
        if pending["kind"] == "add":
            return self.done(request, f"The account ending {pending['last4']} is added.")
        return self.done(request, f"The account ending {pending['last4']} is now your primary account.")


class NomineesStepView(OnboardingStepView):
    step = "nomination"
    template_name = "web/onboarding_nominees.html"

    def _forms(self, request, data=None):
        investor = request.investor
        nominees = list(accounts_selectors.nominee_list(investor=investor))
        choice = "opt_out" if investor.nomination_opted_out else ("nominees" if nominees else None)
        rows = []
        for index in range(NOMINEE_ROWS):
            initial = {}
            if index < len(nominees):
                n = nominees[index]
                initial = {
                    "name": n.name,
                    "relationship": n.relationship,
                    "date_of_birth": n.date_of_birth,
                    "share_percent": n.share_percent,
                    "guardian_name": n.guardian_name,
                }
            rows.append(NomineeForm(data, prefix=f"n{index}", initial=initial))
        return NominationForm(data, initial={"choice": choice}), rows

    def get(self, request):
        form, rows = self._forms(request)
        return self.render_step(request, {"form": form, "rows": rows})

    def post(self, request):
        form, rows = self._forms(request, request.POST)
        valid = form.is_valid()
        opt_out = valid and form.cleaned_data["choice"] == "opt_out"
        rows_valid = opt_out or all(row.is_valid() for row in rows)
        if valid and rows_valid:
            nominees = [] if opt_out else [row.cleaned_data for row in rows if not row.is_blank()]
            try:
                accounts_services.nominees_replace(
                    investor=request.investor, nominees=nominees, opt_out=opt_out, actor=request.user
                )
            except ApplicationError as exc:
                self._place_error(form, rows, exc)
            else:
                return self.done(request, "Your nomination is saved.")
        return self.render_step(request, {"form": form, "rows": rows}, status=400)

    @staticmethod
    def _place_error(form, rows, exc: ApplicationError) -> None:
        """Puts "nominees[1].share_percent" beside the second row's share, anything else above the choice."""
        fields = exc.extra.get("fields") or {}
        filled = [row for row in rows if not row.is_blank()]
        for name, errors in fields.items():
            if name.startswith("nominees[") and "]." in name:
                index, field = name[len("nominees[") :].split("].", 1)
                if index.isdigit() and int(index) < len(filled) and field in filled[int(index)].fields:
                    for error in errors:
                        filled[int(index)].add_error(field, error)
                    continue
            for error in errors:
                form.add_error("choice", error)
        if not fields:
            form.add_error(None, exc.message)


class FatcaStepView(OnboardingStepView):
    step = "fatca"
    template_name = "web/onboarding_fatca.html"

    def _form(self, request, data=None):
        investor = request.investor
        initial = {}
        if investor.fatca_declared_at:
            initial = {
                "country_of_birth": investor.country_of_birth,
                "place_of_birth": investor.place_of_birth,
                "income_slab": investor.income_slab,
                "wealth_source": investor.wealth_source,
                "politically_exposed": "yes" if investor.politically_exposed else "no",
                "tax_resident_outside_india": "yes" if investor.tax_resident_outside_india else "no",
            }
        return FatcaForm(data, initial=initial)

    def get(self, request):
        return self.render_step(request, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                accounts_services.investor_declare_fatca(
                    investor=request.investor, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                if exc.code == "fatca_foreign_tax_residency":
                    form.add_error("tax_resident_outside_india", exc.message)
                else:
                    form_add_errors(form, exc)
            else:
                return self.done(request, "Your FATCA declaration is saved.")
        return self.render_step(request, {"form": form}, status=400)
