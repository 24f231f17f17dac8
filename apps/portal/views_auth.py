"""Staff sign-in (password, then the TOTP step or a backup code), sign-out and the two-step set-up page
(QR code, backup codes, and the distributor's "require it for all staff" rule)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts import selectors as accounts_selectors
from apps.accounts import totp, totp_qr
from apps.accounts.permissions import Capability
from apps.accounts.services import staff_auth
from apps.accounts.services.staff_auth import SignInLocked
from apps.accounts.staff_sessions import (
    staff_session_mark,
    staff_session_needs_enrolment,
    staff_totp_required,
)
from apps.core.client_ip import client_ip
from apps.core.exceptions import ApplicationError
from apps.portal.access import StaffRequiredMixin
from apps.portal.forms import SecondStepForm, SignInForm, StaffTotpPolicyForm, TotpForm
from apps.users.models import User
from tenants.branding import branding_for_request
from tenants.services import distributor_staff_totp_require

PENDING_KEY = "portal_totp_pending"
PENDING_TTL_SECONDS = 300


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/portal/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=False
    ):
        return candidate
    return reverse("portal:dashboard")


def _complete_sign_in(request, user):
    # authenticate() marked the user with the backend that accepted the password; a user loaded for
    # the TOTP step is not, so take the first configured backend (the one password checks go through)
    backend = getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0]
    login(request, user, backend=backend)  # rotates the session key and the CSRF token
    staff_session_mark(request=request, second_factor=accounts_selectors.staff_totp_enabled(user=user))
    staff_auth.staff_signed_in(user=user, ip=client_ip(request))


@method_decorator([sensitive_post_parameters("password"), csrf_protect, never_cache], name="dispatch")
class SignInView(View):
    template_name = "portal/login.html"

    def get(self, request):
        if accounts_selectors.staff_member_for(user=request.user) is not None:
            return redirect(_next_url(request))
        return render(request, self.template_name, {"form": SignInForm(), "next": _next_url(request)})

    def post(self, request):
        form = SignInForm(request.POST)
        context = {"form": form, "next": _next_url(request)}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        email = form.cleaned_data["email"]
        try:
            result = staff_auth.staff_sign_in_check(
                request=request, email=email, password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except SignInLocked as exc:
            form.add_error(None, exc.message)
            return render(request, self.template_name, context, status=429)
        except staff_auth.SignInError as exc:
            form.add_error(None, exc.message)
            return render(request, self.template_name, context, status=400)
        if result.needs_totp:
            request.session.cycle_key()
            request.session[PENDING_KEY] = {"user": result.user.pk, "email": email, "at": time.time()}
            return redirect(f"{reverse('portal:login_totp')}?{urlencode({'next': context['next']})}")
        _complete_sign_in(request, result.user)
        if staff_session_needs_enrolment(request=request):
            return redirect(reverse("portal:security"))
        return redirect(context["next"])


@method_decorator([csrf_protect, never_cache], name="dispatch")
class SignInTotpView(View):
    template_name = "portal/login_totp.html"

    def _pending(self, request):
        pending = request.session.get(PENDING_KEY)
        if not pending or time.time() - pending.get("at", 0) > PENDING_TTL_SECONDS:
            request.session.pop(PENDING_KEY, None)
            return None, None

        return pending, User.objects.filter(pk=pending["user"], is_active=True).first()

    def get(self, request):
        pending, user = self._pending(request)
        if user is None:
            return redirect(reverse("portal:login"))
        return render(request, self.template_name, {"form": SecondStepForm(), "next": _next_url(request)})

    def post(self, request):
        pending, user = self._pending(request)
        if user is None:
            return redirect(reverse("portal:login"))
        form = SecondStepForm(request.POST)
        context = {"form": form, "next": _next_url(request)}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        try:
            staff_auth.staff_sign_in_totp_check(
                user=user, email=pending["email"], code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except SignInLocked as exc:
            request.session.pop(PENDING_KEY, None)
            form.add_error(None, exc.message)
            return render(request, self.template_name, context, status=429)
        except staff_auth.TotpError as exc:
            form.add_error("code", exc.message)
            return render(request, self.template_name, context, status=400)
        request.session.pop(PENDING_KEY, None)
        _complete_sign_in(request, user)
        return redirect(context["next"])


@method_decorator([csrf_protect, never_cache], name="dispatch")
class SignOutView(View):
    def post(self, request):
        logout(request)
        return redirect(reverse("portal:login"))


@method_decorator([sensitive_post_parameters("code"), csrf_protect, never_cache], name="dispatch")
class SecurityView(StaffRequiredMixin, View):
    """Two-step sign-in for the signed-in member: set up an authenticator (QR code and the key in groups,
    confirmed with a first code, which shows the backup codes once), make new backup codes, turn it off;
    and, for those who manage the distributor's settings, the rule that every staff member must use it.
    The one page open to staff who must still enrol."""

    template_name = "portal/security.html"
    enrolment_page = True

    def _context(self, request, *, form=None, policy_form=None, backup_codes=None) -> dict:
        user = request.user
        secret = accounts_selectors.staff_totp_pending_secret(user=user)
        account = user.email or str(user)
        uri = totp.provisioning_uri(secret, account=account, issuer=request.brand_name) if secret else ""
        enabled = accounts_selectors.staff_totp_enabled(user=user)
        required = staff_totp_required(request=request)
        return {
            "enabled": enabled,
            "pending_secret": secret,
            "secret_grouped": totp_qr.secret_grouped(secret) if secret else "",
            "provisioning_uri": uri,
            "qr_svg": totp_qr.qr_svg(uri) if uri else "",
            "backup_codes": backup_codes,
            "backup_codes_remaining": accounts_selectors.staff_backup_codes_remaining(user=user) if enabled else 0,
            "staff_totp_required": required,
            "must_enrol": staff_session_needs_enrolment(request=request),
            "can_set_policy": Capability.SETTINGS_MANAGE in request.staff_caps,
            "policy_form": policy_form or StaffTotpPolicyForm(initial={"required": required}),
            "form": form or TotpForm(),
        }

    def _render(self, request, status=200, **kwargs):
        return render(request, self.template_name, self._context(request, **kwargs), status=status)

    def dispatch(self, request, *args, **kwargs):
        request.brand_name = branding_for_request(request).display_name
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        action = request.POST.get("action")
        if action == "begin":
            return self._begin(request)
        if action == "policy":
            return self._policy(request)
        form = TotpForm(request.POST)
        if not form.is_valid():
            return self._render(request, form=form, status=400)
        code = form.cleaned_data["code"]
        try:
            if action == "confirm":
                codes = staff_auth.staff_totp_enrol(user=request.user, code=code)
                # the code just typed proves the authenticator: this session now has its second factor
                staff_session_mark(request=request, second_factor=True)
                return self._render(request, backup_codes=codes)
            if action == "regenerate":
                codes = staff_auth.staff_backup_codes_regenerate(user=request.user, code=code)
                return self._render(request, backup_codes=codes)
            if action == "disable":
                return self._disable(request, form, code)
        except staff_auth.TotpError as exc:
            form.add_error("code", exc.message)
            return self._render(request, form=form, status=400)
        return self._render(request, form=form, status=400)

    def _begin(self, request):
        try:
            staff_auth.staff_totp_begin(user=request.user)
        except staff_auth.TotpError as exc:
            form = TotpForm()
            form.add_error(None, exc.message)
            return self._render(request, form=form, status=400)
        return redirect(reverse("portal:security"))

    def _disable(self, request, form, code):
        if staff_totp_required(request=request):
            form.add_error(
                None, f"{request.brand_name} requires two-step sign-in for all staff, so it cannot be turned off."
            )
            return self._render(request, form=form, status=400)
        staff_auth.staff_totp_disable(user=request.user, code=code)
        return redirect(reverse("portal:security"))

    def _policy(self, request):
        if Capability.SETTINGS_MANAGE not in request.staff_caps:
            return render(request, "portal/forbidden.html", {"capability": Capability.SETTINGS_MANAGE}, status=403)
        policy_form = StaffTotpPolicyForm(request.POST)
        policy_form.is_valid()  # a checkbox: always valid
        required = policy_form.cleaned_data.get("required", False)
        try:
            distributor_staff_totp_require(distributor=request.tenant, required=required, actor=request.user)
        except ApplicationError as exc:
            policy_form.add_error("required", exc.message)
            return self._render(request, policy_form=policy_form, status=400)
        request.tenant.staff_totp_required = required
        return redirect(reverse("portal:security"))
