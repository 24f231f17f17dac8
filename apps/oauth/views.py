"""The browser side of OAuth on a distributor's host: the branded sign-in and sign-up pages the mobile
app opens in the system browser, and the authorization endpoint around django-oauth-toolkit's view."""

from urllib.parse import urlencode, urlsplit

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView

from apps.accounts import services as accounts_services
from apps.accounts.otp import OtpError, OtpRateLimited
from apps.accounts.permissions import staff_member_for_user
from apps.accounts.services.password_reset import password_reset_otp_send
from apps.accounts.staff_sessions import staff_session_verified
from apps.accounts.validators import InvalidInput, identifier_parse
from apps.core.client_ip import client_ip
from apps.core.exceptions import ApplicationError
from apps.core.logging import mask_text
from apps.oauth import signin
from apps.oauth.services import investor_password_reset

SESSION_KEY = "oauth_signin"
BACKEND = "apps.accounts.backends.EmailOrMobileBackend"
STAFF_GO_TO_PORTAL = "This is a staff account. Staff sign in at the distributor portal (/portal/)."


class AuthorizeView(AuthorizationView):
    """/o/authorize/: sign-in first (our page), then the toolkit's authorization-code flow. The
    distributor's own app skips the consent screen; other clients see it, branded."""

    template_name = "oauth/authorize.html"

    def get_login_url(self):
        return reverse("oauth-login")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if staff_member_for_user(user) is not None and not staff_session_verified(request=request):
            # a staff member's token must come from a session that passed the portal's second factor
            logout(request)
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': '/portal/'})}")
        return super().dispatch(request, *args, **kwargs)

    def redirect(self, redirect_to, application):
        # Private-use schemes of native apps (RFC 8252 section 7.1) are allowed for the redirect URIs
        # registered on the application, and for nothing else.
        if application is None:
            client_id = self.request.GET.get("client_id") or self.request.POST.get("client_id")
            application = get_application_model().objects.filter(client_id=client_id).first() if client_id else None
        allowed = set(oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES)
        if application is not None:
            registered = application.redirect_uris.split()
            target = urlsplit(redirect_to)
            allowed |= {
                urlsplit(uri).scheme
                for uri in registered
                if urlsplit(uri)[:3] == target[:3]  # same scheme, host and path as a registered URI
            }
        return OAuth2ResponseRedirect(redirect_to, sorted(allowed))


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _masked(identifier: str) -> str:
    return mask_text(identifier)


@method_decorator(
    [never_cache, csrf_protect, sensitive_post_parameters("password", "code", "new_password", "new_password_again")],
    name="dispatch",
)
class LoginView(View):
    """Sign in with e-mail or mobile and a one-time code, or with a password."""

    template_name = "oauth/login.html"

    def _render(self, request, *, error: str = "", status: int = 200, **context):
        state = request.session.get(SESSION_KEY) or {}
        step = {"login": "code", "password_reset": "reset_code"}.get(state.get("purpose"), "start")
        context.setdefault("step", step)
        context.setdefault("identifier", request.POST.get("identifier", ""))
        context.setdefault("field_errors", {})
        context.update(next=_next_url(request), error=error, sent_to=state.get("sent_to", ""))
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if request.GET.get("restart") or request.GET.get("forgot"):
            request.session.pop(SESSION_KEY, None)
        if request.GET.get("forgot"):
            return self._render(request, step="reset_start")
        return self._render(request)

    def post(self, request):
        action = request.POST.get("action", "")
        if action == "send_code" and request.POST.get("password"):
            # Enter in the password field submits with the form's first button ("Send me a code"): a password
            # typed means the investor chose the password
            action = "password"
        handler = {
            "password": self._password,
            "send_code": self._send_code,
            "verify_code": self._verify_code,
            "restart": self._restart,
            "reset_send": self._reset_send,
            "reset_complete": self._reset_complete,
        }.get(action)
        if handler is None:
            return self._render(request, error="Choose how to sign in.", status=400)
        return handler(request)

    def _done(self, request, user):
        request.session.pop(SESSION_KEY, None)
        if staff_member_for_user(user) is not None:
            # staff sign in at the portal, behind its lockout and second factor
            return self._render(request, step="start", error=STAFF_GO_TO_PORTAL, status=403)
        login(request, user, backend=BACKEND)
        return redirect(_next_url(request))

    def _restart(self, request):
        request.session.pop(SESSION_KEY, None)
        return self._render(request, step="start")

    def _password(self, request):
        from django.contrib.auth import authenticate

        identifier = request.POST.get("identifier", "").strip()
        password = request.POST.get("password", "")
        if not identifier or not password:
            return self._render(
                request, step="start", error="Give your e-mail or mobile and your password.", status=400
            )
        if signin.password_signin_blocked(identifier):
            return self._render(
                request, step="start", error="Too many failed attempts. Sign in with a code or try later.", status=429
            )
        user = authenticate(request, username=identifier, password=password)
        if user is None:
            signin.password_signin_failed(identifier)
            return self._render(request, step="start", error="Those details did not match an account.", status=400)
        signin.password_signin_succeeded(identifier)
        return self._done(request, user)

    def _send_code(self, request):
        return self._code_send(
            request, purpose="login", send=accounts_services.login_otp_send, start="start", next_step="code"
        )

    def _code_send(self, request, *, purpose: str, send, start: str, next_step: str, field_errors: bool = False):
        """A code to the identifier typed (sign-in or password reset), with the same answer whether or not
        the account exists; per-IP and per-target budgets answer 429 with when to try again."""
        identifier = request.POST.get("identifier", "").strip()
        try:
            parsed = identifier_parse(identifier)
        except InvalidInput as exc:
            if field_errors:
                return self._render(request, step=start, field_errors={"identifier": str(exc)}, status=400)
            return self._render(request, step=start, error=str(exc), status=400)
        if not signin.code_request_allowed(client_ip(request)):
            return self._render(request, step=start, error="Too many codes requested. Try later.", status=429)
        try:
            challenge = send(identifier=parsed.value)
        except OtpRateLimited as exc:
            minutes = max(1, round(exc.extra.get("retry_after", 60) / 60))
            return self._render(
                request, step=start, error=f"Too many codes sent. Try again in {minutes} min.", status=429
            )
        request.session[SESSION_KEY] = {
            "purpose": purpose,
            "challenge_id": str(challenge.public_id) if challenge else "",
            "sent_to": _masked(parsed.value),
        }
        return self._render(request, step=next_step)

    def _verify_code(self, request):
        state = request.session.get(SESSION_KEY) or {}
        if state.get("purpose") != "login":
            return self._render(request, step="start", error="Ask for a code first.", status=400)
        if not state.get("challenge_id"):
            return self._render(request, step="code", error="The code is not right.", status=400)
        try:
            user = accounts_services.login_otp_verify(
                challenge_id=state["challenge_id"], code=request.POST.get("code", "")
            )
        except OtpError as exc:
            return self._render(request, step="code", error=exc.message, status=400)
        except ApplicationError as exc:
            return self._render(request, step="start", error=exc.message, status=400)
        return self._done(request, user)

    # --- Forgotten password: a code to the registered e-mail or mobile, then a new password ---------------

    def _reset_send(self, request):
        return self._code_send(
            request, purpose="password_reset", send=password_reset_otp_send, start="reset_start",
            next_step="reset_code", field_errors=True,
        )  # fmt: skip

    def _reset_complete(self, request):
        state = request.session.get(SESSION_KEY) or {}
        if state.get("purpose") != "password_reset":
            return self._render(request, step="reset_start", error="Ask for a code first.", status=400)
        password, code = request.POST.get("new_password", ""), request.POST.get("code", "").strip()
        if password != request.POST.get("new_password_again", ""):
            errors = {"new_password_again": "The two passwords are not the same."}
            return self._render(request, step="reset_code", field_errors=errors, code=code, status=400)
        if not state.get("challenge_id"):  # no such account: the same answer as a wrong code
            return self._render(request, step="reset_code", field_errors={"code": "The code is not right."}, status=400)
        try:
            investor_password_reset(challenge_id=state["challenge_id"], code=code, password=password)
        except OtpError as exc:
            return self._render(request, step="reset_code", field_errors={"code": exc.message}, status=400)
        except ApplicationError as exc:
            errors = {"new_password": " ".join((exc.extra or {}).get("fields", {}).get("password", [])) or exc.message}
            # a password refused before the code was checked leaves the code unspent: keep it in the form
            return self._render(request, step="reset_code", field_errors=errors, code=code, status=400)
        request.session.pop(SESSION_KEY, None)
        return self._render(
            request,
            step="start",
            notice="Your password is changed and every device is signed out. Sign in with the new password.",
        )


@method_decorator([never_cache, csrf_protect, sensitive_post_parameters("password", "code")], name="dispatch")
class RegisterView(View):
    """Create an investor account with e-mail or mobile and a one-time code (password optional)."""

    template_name = "oauth/register.html"

    def _render(self, request, *, error: str = "", status: int = 200, **context):
        state = request.session.get(SESSION_KEY) or {}
        context.setdefault("step", "code" if state.get("purpose") == "register" else "start")
        context.setdefault("identifier", request.POST.get("identifier", ""))
        context.setdefault("full_name", request.POST.get("full_name", state.get("full_name", "")))
        context.update(next=_next_url(request), error=error, sent_to=state.get("sent_to", ""))
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if request.GET.get("restart"):
            request.session.pop(SESSION_KEY, None)
        return self._render(request)

    def post(self, request):
        action = request.POST.get("action", "")
        if action == "send_code":
            return self._send_code(request)
        if action == "verify_code":
            return self._verify_code(request)
        request.session.pop(SESSION_KEY, None)
        return self._render(request, step="start")

    def _send_code(self, request):
        full_name = request.POST.get("full_name", "").strip()
        identifier = request.POST.get("identifier", "").strip()
        if not full_name:
            return self._render(request, step="start", error="Give your name as on your PAN.", status=400)
        try:
            parsed = identifier_parse(identifier)
        except InvalidInput as exc:
            return self._render(request, step="start", error=str(exc), status=400)
        if not signin.code_request_allowed(client_ip(request)):
            return self._render(request, step="start", error="Too many codes requested. Try later.", status=429)
        try:
            challenge = accounts_services.registration_otp_send(identifier=parsed.value)
        except OtpRateLimited as exc:
            minutes = max(1, round(exc.extra.get("retry_after", 60) / 60))
            return self._render(
                request, step="start", error=f"Too many codes sent. Try again in {minutes} min.", status=429
            )
        request.session[SESSION_KEY] = {
            "purpose": "register",
            "challenge_id": str(challenge.public_id),
            "sent_to": _masked(parsed.value),
            "full_name": full_name,
        }
        return self._render(request, step="code")

    def _verify_code(self, request):
        state = request.session.get(SESSION_KEY) or {}
        if state.get("purpose") != "register":
            return self._render(request, step="start", error="Ask for a code first.", status=400)
        password = request.POST.get("password", "") or None
        try:
            investor = accounts_services.investor_register(
                challenge_id=state["challenge_id"],
                code=request.POST.get("code", ""),
                full_name=state.get("full_name", ""),
                password=password,
                request_ip=client_ip(request),
            )
        except OtpError as exc:
            return self._render(request, step="code", error=exc.message, status=400)
        except ApplicationError as exc:
            fields = exc.extra.get("fields", {})
            detail = " ".join(" ".join(messages) for messages in fields.values()) if fields else ""
            return self._render(request, step="code", error=f"{exc.message} {detail}".strip(), status=400)
        request.session.pop(SESSION_KEY, None)
        login(request, investor.user, backend=BACKEND)
        target = _next_url(request)
        # without a place to go back to (an app's sign-in), a new investor starts on the web's onboarding
        return redirect(reverse("web:start") if target in ("/", reverse("web:portfolio")) else target)


@method_decorator([never_cache, csrf_protect], name="dispatch")
class LogoutView(View):
    def post(self, request):
        logout(request)
        return redirect(_next_url(request))
