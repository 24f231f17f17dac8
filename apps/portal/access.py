"""Who may open which portal page. Views declare the capability they need; the role -> capability
table is identity's (apps.accounts.permissions) when present."""

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.accounts import selectors as accounts_selectors
from apps.accounts.staff_sessions import staff_session_needs_enrolment, staff_session_verified


class StaffRequiredMixin:
    """Signed-in, active staff of this distributor with the view's capability (if any).

    Not signed in -> the sign-in page; signed in but not staff (an investor's web session) -> signed out
    and sent to the sign-in page; staff who must still set up an authenticator (the distributor requires
    one) -> the set-up page, the only one open to them; staff without the capability -> 403 page."""

    capability: str | None = None
    # the authenticator set-up page opens to staff who have yet to enrol; no other page does
    enrolment_page = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        member = accounts_selectors.staff_member_for(user=user)
        if member is not None and staff_session_needs_enrolment(request=request):
            if not self.enrolment_page:
                return redirect(reverse("portal:security"))
        elif member is None or not staff_session_verified(request=request):
            # an investor's session, or staff signed in elsewhere than the portal's sign-in
            logout(request)
            return redirect(reverse("portal:login"))
        request.staff = member
        request.staff_caps = accounts_selectors.staff_capabilities(staff=member)
        if self.capability and not accounts_selectors.staff_can(staff=member, capability=self.capability):
            return render(request, "portal/forbidden.html", {"capability": self.capability}, status=403)
        return super().dispatch(request, *args, **kwargs)
