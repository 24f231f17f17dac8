"""The investor's SIPs on the web: the SIP book, starting a SIP (registering a debit mandate first when
none can take the instalment), the OTP steps, and a SIP's instalments with cancellation. Reads through the
orders selectors, writes through the SIP, mandate and confirmation services."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts import selectors as accounts_selectors
from apps.core.exceptions import ApplicationError
from apps.orders import selectors as orders_selectors
from apps.orders.models import Mandate, MandateStatus, SipStatus
from apps.orders.services.confirmation import otp_confirm, otp_resend
from apps.orders.services.mandates import mandate_create
from apps.orders.services.sips import sip_cancel, sip_start_from_form
from apps.orders.sip_forms import NEW_MANDATE, SipCancelForm, SipOtpForm, SipStartForm
from apps.web.views import InvestorView

MANDATE_YEARS = 30
DRAFT_KEY = "web.sip_draft.{}"  # the SIP waiting for its new mandate, per mandate id, in the session


class SipListView(InvestorView):
    nav = "sips"
    not_investor_status = 404

    def get(self, request):
        sips = orders_selectors.sip_book_annotate(orders_selectors.sip_list(investor=request.investor))
        return self.render(request, "web/sips.html", {"sips": orders_selectors.sips_with_debit_dates(sips)})


class SipStartView(InvestorView):
    """A new SIP into ?scheme=<AMFI code>: with a usable mandate it waits for the OTP on the SIP's page;
    otherwise a new mandate is registered first (its own OTP), and the SIP follows once it is."""

    nav = "sips"
    not_investor_status = 404
    template_name = "web/sip_new.html"

    def _form(self, request, scheme, data=None):
        investor = request.investor
        return SipStartForm(
            data,
            options=orders_selectors.sip_options(scheme=scheme),
            today=timezone.localdate(),
            mandates=list(orders_selectors.mandate_list_usable(investor=investor)),
            bank_accounts=list(accounts_selectors.bank_account_list(investor=investor)),
            initial={"request_key": uuid.uuid4(), "frequency": "MONTHLY", "day": 5, "instalments": 12},
        )

    def _pick(self, request, status=200):
        query = request.GET.get("q", "")[:100]
        context = {"picking": True, "q": query, "picks": orders_selectors.sip_scheme_search(query=query)}
        return self.render(request, self.template_name, context, status=status)

    def get(self, request):
        scheme = orders_selectors.sip_scheme_get(amfi_code=request.GET.get("scheme", ""))
        if scheme is None:
            return self._pick(request)
        form = self._form(request, scheme)
        if not form.mandates and form.bank_accounts:
            form.initial["mandate"] = NEW_MANDATE  # nothing to choose from: registering one is the way
        return self.render(request, self.template_name, {"scheme": scheme, "form": form})

    def post(self, request):
        scheme = orders_selectors.sip_scheme_get(amfi_code=request.GET.get("scheme", ""))
        if scheme is None:
            return self._pick(request, status=400)
        form = self._form(request, scheme, request.POST)
        if form.is_valid():
            try:
                if form.wants_new_mandate:
                    mandate = self._new_mandate(request, form)
                    request.session[DRAFT_KEY.format(mandate.public_id)] = _draft(scheme, form)
                    return redirect(reverse("web:sip_mandate", args=[mandate.public_id]))
                sip = sip_start_from_form(
                    investor=request.investor, scheme=scheme, mandate=form.chosen_mandate(), **form.sip_arguments()
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(reverse("web:sip", args=[sip.public_id]))
        return self.render(request, self.template_name, {"scheme": scheme, "form": form}, status=400)

    @staticmethod
    def _new_mandate(request, form) -> Mandate:
        today = timezone.localdate()
        return mandate_create(
            investor=request.investor,
            bank_account=form.chosen_bank_account(),
            amount_limit=form.cleaned_data["mandate_limit"],
            mandate_type=Mandate.MandateType.EMANDATE,
            start_date=today,
            end_date=today.replace(year=today.year + MANDATE_YEARS) - timedelta(days=1),
        )


def _draft(scheme, form) -> dict:
    """The SIP the investor asked for, kept (as text) until its new mandate is registered."""
    args = form.sip_arguments()
    return {
        "scheme": scheme.amfi_code,
        "idempotency_key": args["idempotency_key"],
        "amount": str(args["amount"]),
        "frequency": args["frequency"],
        "start_date": args["start_date"].isoformat(),
        "instalments": args["instalments"],
    }


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class SipMandateView(InvestorView):
    """A new mandate for a SIP: its OTP, then its registration at the exchange as it happens, then on to
    the SIP (which has its own OTP)."""

    nav = "sips"
    not_investor_status = 404
    template_name = "web/sip_mandate.html"

    def _render(self, request, mandate, form=None, status=200, error="", notice=""):
        draft = request.session.get(DRAFT_KEY.format(mandate.public_id))
        context = {
            "mandate": mandate,
            "form": form or SipOtpForm(),
            "draft": draft,
            "draft_scheme": orders_selectors.sip_scheme_get(amfi_code=draft["scheme"]) if draft else None,
            "usable": mandate.status in orders_selectors.MANDATE_USABLE_STATUSES,
            "working": mandate.status in (MandateStatus.QUEUED, MandateStatus.SUBMITTED),
            "error": error,
            "notice": notice,
        }
        return self.render(request, self.template_name, context, status=status)

    def _mandate(self, request, mandate_id):
        return orders_selectors.access_mandate_by_id(investor=request.investor, public_id=mandate_id)

    def get(self, request, mandate_id):
        return self._render(request, self._mandate(request, mandate_id))

    def post(self, request, mandate_id):
        mandate = self._mandate(request, mandate_id)
        action = request.POST.get("action")
        if action == "resend":
            try:
                otp_resend(target=mandate)
            except ApplicationError as exc:
                return self._render(request, mandate, status=exc.status_code, error=exc.message)
            return self._render(request, mandate, notice="We have sent you a new code.")
        if action == "continue":
            return self._continue(request, mandate)
        form = SipOtpForm(request.POST)
        if not form.is_valid():
            return self._render(request, mandate, form, status=400)
        try:
            otp_confirm(target=mandate, code=form.cleaned_data["code"].strip(), actor=request.user)
        except ApplicationError as exc:
            return self._render(request, self._mandate(request, mandate_id), form, status=exc.status_code,
                                error=exc.message)  # fmt: skip
        return redirect(reverse("web:sip_mandate", args=[mandate.public_id]))

    def _continue(self, request, mandate):
        """The SIP kept for this mandate, now that the exchange has registered the mandate."""
        key = DRAFT_KEY.format(mandate.public_id)
        draft = request.session.get(key)
        scheme = orders_selectors.sip_scheme_get(amfi_code=draft["scheme"]) if draft else None
        if scheme is None:
            return redirect(reverse("web:sip_new"))
        try:
            sip = sip_start_from_form(
                investor=request.investor, scheme=scheme, mandate=mandate,
                idempotency_key=draft["idempotency_key"], amount=Decimal(draft["amount"]),
                frequency=draft["frequency"], start_date=date.fromisoformat(draft["start_date"]),
                instalments=int(draft["instalments"]),
            )  # fmt: skip
        except ApplicationError as exc:
            return self._render(request, mandate, status=exc.status_code, error=exc.message)
        request.session.pop(key, None)
        return redirect(reverse("web:sip", args=[sip.public_id]))


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class SipDetailView(InvestorView):
    """One SIP: its OTP while it waits for one, its instalments, and cancellation with a reason."""

    nav = "sips"
    not_investor_status = 404
    template_name = "web/sip_detail.html"

    def _sip(self, request, sip_id):
        return orders_selectors.access_sip_by_id(investor=request.investor, public_id=sip_id)

    def _render(self, request, sip, *, otp_form=None, cancel_form=None, status=200, error="", notice=""):
        context = {
            "sip": sip,
            **orders_selectors.sip_instalments_overview(sip=sip),
            "otp_form": otp_form or SipOtpForm(),
            "cancel_form": cancel_form or SipCancelForm(),
            "cancellable": sip.status in (SipStatus.PENDING_OTP, SipStatus.QUEUED, SipStatus.ACTIVE),
            "error": error,
            "notice": notice,
        }
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, sip_id):
        return self._render(request, self._sip(request, sip_id))

    def post(self, request, sip_id):
        sip = self._sip(request, sip_id)
        action = request.POST.get("action")
        if action == "cancel":
            return self._cancel(request, sip)
        if action == "resend":
            try:
                otp_resend(target=sip)
            except ApplicationError as exc:
                return self._render(request, sip, status=exc.status_code, error=exc.message)
            return self._render(request, sip, notice="We have sent you a new code.")
        form = SipOtpForm(request.POST)
        if not form.is_valid():
            return self._render(request, sip, otp_form=form, status=400)
        try:
            otp_confirm(target=sip, code=form.cleaned_data["code"].strip(), actor=request.user)
        except ApplicationError as exc:
            return self._render(request, self._sip(request, sip_id), otp_form=form, status=exc.status_code,
                                error=exc.message)  # fmt: skip
        return redirect(reverse("web:sip", args=[sip.public_id]))

    def _cancel(self, request, sip):
        form = SipCancelForm(request.POST)
        if not form.is_valid():
            return self._render(request, sip, cancel_form=form, status=400)
        try:
            sip_cancel(sip=sip, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            return self._render(request, sip, cancel_form=form, status=exc.status_code, error=exc.message)
        return redirect(reverse("web:sip", args=[sip.public_id]))
