"""The page an invitation link opens on the distributor's host: pre-filled details, a code to the
invited contact, and the account is created (then the investor signs in to the app as usual)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts import selectors, services
from apps.accounts.otp import OtpError, OtpRateLimited
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.core.logging import mask_pan, mask_text

SESSION_KEY = "invitation_challenge"
BACKEND = "apps.accounts.backends.EmailOrMobileBackend"


@method_decorator([never_cache, csrf_protect, sensitive_post_parameters("password", "code")], name="dispatch")
class InvitationView(View):
    template_name = "accounts/invitation.html"

    def _invitation(self, token):
        return selectors.invitation_get_by_token(token=token, max_age=settings.INVITATION_MAX_AGE_SECONDS)

    def _render(self, request, invitation, *, step="start", error="", status=200):
        context = {
            "invitation": invitation,
            "contact": mask_text(invitation.email or invitation.mobile),
            "pan": mask_pan(invitation.pan) if invitation.pan else "",
            "step": step,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def _gone(self, request):
        return render(request, self.template_name, {"gone": True}, status=404)

    def get(self, request, token):
        try:
            invitation = self._invitation(token)
        except NotFoundError:
            return self._gone(request)
        state = request.session.get(SESSION_KEY) or {}
        return self._render(request, invitation, step="code" if state.get("token") == token else "start")

    def post(self, request, token):
        try:
            invitation = self._invitation(token)
        except NotFoundError:
            return self._gone(request)
        if request.POST.get("action") == "send_code":
            try:
                challenge = services.invitation_otp_send(invitation=invitation)
            except OtpRateLimited:
                return self._render(request, invitation, error="Too many codes sent. Try again later.", status=429)
            request.session[SESSION_KEY] = {"token": token, "challenge_id": str(challenge.public_id)}
            return self._render(request, invitation, step="code")
        state = request.session.get(SESSION_KEY) or {}
        if state.get("token") != token:
            return self._render(request, invitation, error="Ask for a code first.", status=400)
        try:
            investor = services.invitation_accept(
                invitation=invitation,
                challenge_id=state["challenge_id"],
                code=request.POST.get("code", ""),
                password=request.POST.get("password") or None,
            )
        except OtpError as exc:
            return self._render(request, invitation, step="code", error=exc.message, status=400)
        except ApplicationError as exc:
            fields = exc.extra.get("fields", {})
            detail = " ".join(" ".join(m) for m in fields.values())
            return self._render(request, invitation, step="code", error=f"{exc.message} {detail}".strip(), status=400)
        request.session.pop(SESSION_KEY, None)
        login(request, investor.user, backend=BACKEND)
        messages.success(request, "Your account is ready. Open the app and sign in to start investing.")
        return redirect("/")
