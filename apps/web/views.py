"""Investor web pages on the distributor's host, for investors not on the mobile app. Session sign-in
is identity's branded /login/ page; these pages read and write through the same selectors and services
as the mobile API."""

import math
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.core.forms import form_add_errors
from apps.core.logging import mask_pan, mask_text
from apps.core.throttling import page_throttle_wait, throttled_message
from apps.funds.picker import order_pickers
from apps.orders.forms import OrderForm, OrderOtpForm
from apps.orders.selectors import access_order_by_id, order_list
from apps.orders.services.confirmation import otp_confirm, otp_resend
from apps.orders.services.forms import order_place_from_form
from apps.portfolio.forms import CasUploadForm
from apps.portfolio.selectors import holdings as portfolio
from apps.portfolio.selectors.nav_freshness import nav_freshness_get
from apps.portfolio.selectors.performance import performance_series
from apps.portfolio.services.cas_import import cas_upload_accept
from apps.web.forms import InvitationAcceptForm

SIGN_IN_URL_NAME = "oauth-login"
# an order refused for a missing step (extra.step) links to that step's page (apps/web/views_onboarding.py)
ONBOARDING_STEP_PAGES = {
    "profile": "web:onboarding_profile",
    "kyc": "web:onboarding_kyc",
    "bank": "web:onboarding_bank",
    "nomination": "web:onboarding_nominees",
    "fatca": "web:onboarding_fatca",
}
PERFORMANCE_DAYS = 365


@method_decorator(never_cache, name="dispatch")
class InvestorView(View):
    """Signed-in investors of this distributor; anyone else goes to the sign-in page."""

    nav = ""
    not_investor_status = 403

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(SIGN_IN_URL_NAME)}?{urlencode({'next': request.get_full_path()})}")
        try:
            request.investor = accounts_selectors.investor_get_for_user(user=request.user)
        except NotFoundError:
            return render(request, "web/not_investor.html", status=self.not_investor_status)
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, template: str, context: dict, status: int = 200):
        return render(request, template, {"nav": self.nav, "investor": request.investor, **context}, status=status)


class PortfolioView(InvestorView):
    nav = "portfolio"

    def get(self, request):
        investor = request.investor
        today = timezone.localdate()
        points = performance_series(
            investor_ids=[investor.pk], start=today - timedelta(days=PERFORMANCE_DAYS), end=today, interval="weekly"
        )
        performance = {}
        if any(p.value for p in points):
            performance = {
                "labels": [p.day.isoformat() for p in points],
                "series": [
                    {"label": "Value", "values": [str(p.value) for p in points]},
                    {"label": "Invested", "values": [str(p.invested) for p in points]},
                ],
            }
        allocation = portfolio.allocation_get(investor=investor).get("asset_class", [])
        return self.render(
            request,
            "web/portfolio.html",
            {
                "summary": portfolio.portfolio_summary_get(investor=investor),
                "nav_freshness": nav_freshness_get(investor=investor),
                "positions": portfolio.scheme_positions(investor=investor),
                "allocation": allocation,
                "allocation_chart": {
                    "labels": [r["label"] for r in allocation],
                    "values": [r["value"] for r in allocation],
                },
                "performance": performance,
            },
        )


class TransactionsView(InvestorView):
    nav = "transactions"

    def get(self, request):
        lines = portfolio.transaction_list(investor=request.investor).order_by("-trade_date", "-id")
        page = Paginator(lines, 50).get_page(request.GET.get("page"))
        return self.render(request, "web/transactions.html", {"page": page})


class CasUploadView(InvestorView):
    nav = "cas"

    def get(self, request):
        imports = portfolio.cas_import_list(investor=request.investor).order_by("-created_at")[:10]
        return self.render(request, "web/cas_upload.html", {"form": CasUploadForm(), "imports": imports})

    def post(self, request):
        form = CasUploadForm(request.POST, request.FILES)
        wait = page_throttle_wait(request, scope="cas_upload")
        if wait is not None:
            form.add_error(None, throttled_message(wait))
            response = self.render(request, "web/cas_upload.html", {"form": form, "imports": []}, status=429)
            response["Retry-After"] = str(math.ceil(wait))
            return response
        if form.is_valid():
            try:
                cas_import = cas_upload_accept(
                    investor=request.investor,
                    upload=form.cleaned_data["statement"],
                    password=form.cleaned_data["password"],
                    uploaded_by=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(reverse("web:cas_import", args=[cas_import.public_id]))
        return self.render(request, "web/cas_upload.html", {"form": form, "imports": []}, status=400)


class CasImportView(InvestorView):
    nav = "cas"

    def get(self, request, import_id):
        cas_import = portfolio.access_cas_import_by_id(investor=request.investor, public_id=import_id)
        context = {
            "import": cas_import,
            "progress_url": request.path,
            "retry_url": reverse("web:cas_upload"),
            "holdings_url": reverse("web:portfolio") + "#holdings",
        }
        template = "portal/_import_progress.html" if request.headers.get("HX-Request") else "web/cas_import.html"
        return self.render(request, template, context)


class OrderListView(InvestorView):
    nav = "orders"
    not_investor_status = 404

    def get(self, request):
        page = Paginator(order_list(investor=request.investor), 25).get_page(request.GET.get("page"))
        return self.render(request, "web/orders.html", {"page": page})


class OrderPlaceView(InvestorView):
    """The investor's own order: recorded as waiting for their OTP, then on to the confirm page."""

    nav = "orders"
    not_investor_status = 404
    template_name = "web/order_place.html"

    def get(self, request):
        pickers = order_pickers(request.GET)
        form = OrderForm(
            initial={
                **pickers.initial(),
                "folio_number": request.GET.get("folio", "")[:40] or self._only_folio(request, pickers),
                "request_key": uuid.uuid4(),
            }
        )
        return self.render(request, self.template_name, {"form": form, "pickers": pickers})

    @staticmethod
    def _only_folio(request, pickers) -> str:
        """A sale (Redeem, Switch from the portfolio) from the one folio that holds the fund, when only one does."""
        scheme = pickers.fund.selected
        if pickers.kind not in ("redemption", "switch") or scheme is None:
            return ""
        folios = {h.folio.folio_number for h in portfolio.holding_list(investor=request.investor).filter(scheme=scheme)}
        return folios.pop() if len(folios) == 1 else ""

    def post(self, request):
        form = OrderForm(request.POST)
        pickers = order_pickers(request.GET, form_data=request.POST)
        if form.is_valid():
            try:
                order = order_place_from_form(investor=request.investor, **form.order_arguments())
            except ApplicationError as exc:
                form_add_errors(form, exc)
                step = ONBOARDING_STEP_PAGES.get(exc.extra.get("step", ""))
                if step:  # refused for a missing onboarding step: the page links to it
                    context = {"form": form, "pickers": pickers, "refused_step_url": reverse(step)}
                    return self.render(request, self.template_name, context, status=400)
            else:
                return redirect(reverse("web:order_confirm", args=[order.public_id]))
        return self.render(request, self.template_name, {"form": form, "pickers": pickers}, status=400)


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class OrderConfirmView(InvestorView):
    """The OTP step of an order (the investor's own, or one staff placed on their behalf)."""

    nav = "orders"
    not_investor_status = 404
    template_name = "web/order_confirm.html"

    def _order(self, request, order_id):
        return access_order_by_id(investor=request.investor, public_id=order_id)

    def _render(self, request, order, form=None, status=200, error="", notice=""):
        context = {"order": order, "form": form or OrderOtpForm(), "error": error, "notice": notice}
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, order_id):
        return self._render(request, self._order(request, order_id))

    def post(self, request, order_id):
        order = self._order(request, order_id)
        if request.POST.get("action") == "resend":
            try:
                otp_resend(target=order)
            except ApplicationError as exc:
                return self._render(request, order, status=exc.status_code, error=exc.message)
            return self._render(request, order, notice="We have sent you a new code.")
        form = OrderOtpForm(request.POST)
        if not form.is_valid():
            return self._render(request, order, form, status=400)
        try:
            otp_confirm(target=order, code=form.cleaned_data["code"].strip(), actor=request.user)
        except ApplicationError as exc:
            order = self._order(request, order_id)  # as it is now (a wrong code leaves it pending)
            return self._render(request, order, form, status=exc.status_code, error=exc.message)
        return redirect(reverse("web:order_confirm", args=[order.public_id]))


@method_decorator([never_cache, sensitive_post_parameters("code", "password")], name="dispatch")
class InvitationAcceptView(View):
    """The invitee's page (the one invitation page; /invite/<token>/, the link invitations carry, redirects
    here): the invited details with the contact and PAN masked, a code to the contact the distributor
    invited; the code (and an optional password) creates the account through the accounts invitation
    service, then signs them in: to the onboarding checklist while it is incomplete, else the portfolio."""

    template_name = "web/invite.html"

    @staticmethod
    def _session_key(invitation) -> str:
        return f"web_invitation_{invitation.public_id}"

    def _invitation(self, token):
        return accounts_selectors.invitation_get_by_token(token=token, max_age=settings.INVITATION_MAX_AGE_SECONDS)

    def _gone(self, request):
        """Used, withdrawn or too old: the page says so (404) instead of a bare not-found page."""
        return render(request, self.template_name, {"gone": True}, status=404)

    def _render(self, request, invitation, form=None, status=200, error=""):
        context = {
            "invitation": invitation,
            "contact": mask_text(invitation.email or invitation.mobile),
            "pan": mask_pan(invitation.pan) if invitation.pan else "",
            "code_sent": bool(request.session.get(self._session_key(invitation))),
            "form": form or InvitationAcceptForm(),
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        try:
            invitation = self._invitation(token)
        except NotFoundError:
            return self._gone(request)
        return self._render(request, invitation)

    def post(self, request, token):
        try:
            invitation = self._invitation(token)
        except NotFoundError:
            return self._gone(request)
        key = self._session_key(invitation)
        if request.POST.get("action") == "send":
            try:
                challenge = accounts_services.invitation_otp_send(invitation=invitation)
            except ApplicationError as exc:
                return self._render(request, invitation, status=exc.status_code, error=exc.message)
            request.session[key] = str(challenge.public_id)
            return redirect(request.path)
        form = InvitationAcceptForm(request.POST)
        if not request.session.get(key):
            return self._render(request, invitation, form, status=400, error="Ask for a code first.")
        if not form.is_valid():
            return self._render(request, invitation, form, status=400)
        try:
            investor = accounts_services.invitation_accept(
                invitation=invitation,
                challenge_id=request.session[key],
                code=form.cleaned_data["code"].strip(),
                password=form.cleaned_data["password"] or None,
            )
        except ApplicationError as exc:
            return self._render(request, invitation, form, status=exc.status_code, error=exc.message)
        request.session.pop(key, None)
        login(request, investor.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect(reverse("web:start"))  # the onboarding checklist until it is complete


def invitation_redirect(request, token: str):
    """The link mailed and texted with each invitation (/invite/<token>/) opens the one invitation page."""
    return redirect(reverse("web:invite", args=[token]), permanent=True)
