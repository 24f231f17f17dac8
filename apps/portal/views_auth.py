"""Staff sign-in (password, then the optional TOTP step), sign-out and the two-step set-up page."""

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
from apps.accounts import totp
from apps.accounts.services import staff_auth
from apps.accounts.services.staff_auth import SignInLocked
from apps.accounts.staff_sessions import staff_session_mark
from apps.core.client_ip import client_ip
from apps.portal.access import StaffRequiredMixin
from apps.portal.forms import SignInForm, TotpForm
from apps.users.models import User
from tenants.branding import branding_for_request

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
        return render(request, self.template_name, {"form": TotpForm(), "next": _next_url(request)})

    def post(self, request):
        pending, user = self._pending(request)
        if user is None:
            return redirect(reverse("portal:login"))
        form = TotpForm(request.POST)
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


@method_decorator([csrf_protect, never_cache], name="dispatch")
class SecurityView(StaffRequiredMixin, View):
    """Turn the authenticator second factor on (begin, confirm with a code) or off (with a code)."""

    template_name = "portal/security.html"

    def _render(self, request, form=None, status=200):
        user = request.user
        secret = accounts_selectors.staff_totp_pending_secret(user=user)
        context = {
            "enabled": accounts_selectors.staff_totp_enabled(user=user),
            "pending_secret": secret,
            "provisioning_uri": (
                totp.provisioning_uri(secret, account=user.email or str(user), issuer=request.brand_name)
                if secret
                else ""
            ),
            "form": form or TotpForm(),
        }
        return render(request, self.template_name, context, status=status)

    def dispatch(self, request, *args, **kwargs):

        request.brand_name = branding_for_request(request).display_name
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        action = request.POST.get("action")
        if action == "begin":
            try:
                staff_auth.staff_totp_begin(user=request.user)
            except staff_auth.TotpError as exc:
                form = TotpForm()
                form.add_error(None, exc.message)
                return self._render(request, form, status=400)
            return redirect(reverse("portal:security"))
        form = TotpForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        service = {"confirm": staff_auth.staff_totp_confirm, "disable": staff_auth.staff_totp_disable}.get(action)
        if service is None:
            return self._render(request, form, status=400)
        try:
            service(user=request.user, code=form.cleaned_data["code"])
        except staff_auth.TotpError as exc:
            form.add_error("code", exc.message)
            return self._render(request, form, status=400)
        return redirect(reverse("portal:security"))
