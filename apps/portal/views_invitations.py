"""Investor book workflows of the portal: (re)assigning investors to a relationship manager, one or many
at a time, and the list of invitations (pending, accepted, expired, revoked) with resend, revoke and the
link to copy. Rules are identity's services; these views only parse and render."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.accounts.permissions import Capability
from apps.core.exceptions import ApplicationError
from apps.portal import permissions
from apps.portal.views import PortalView, paginate

UNASSIGNED = "none"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _investor_ids(values: list[str]) -> list[uuid.UUID] | None:
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        return None


class InvestorAssignView(PortalView):
    """POST investors (public ids, one or many) and relationship_manager (a public id, or "none" to
    unassign). Owners and admins only."""

    nav = "investors"
    capability = Capability.INVESTORS_ASSIGN

    def post(self, request):
        back = _safe_next(request, reverse("portal:investors"))
        chosen = request.POST.get("relationship_manager", "")
        manager = None
        if chosen != UNASSIGNED:
            manager = accounts_selectors.relationship_manager_get(public_id=chosen) if chosen else None
            if manager is None:
                messages.error(request, "Choose a relationship manager to assign the investors to.")
                return redirect(back)
        investor_ids = _investor_ids(request.POST.getlist("investors"))
        if not investor_ids:
            messages.error(request, "Tick at least one investor first.")
            return redirect(back)
        try:
            changed = accounts_services.investors_assign_relationship_manager(
                actor_staff=request.staff, investor_ids=investor_ids, relationship_manager=manager
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        who = manager.user.get_full_name() or manager.user.email if manager else "no relationship manager"
        unchanged = len(set(investor_ids)) - changed
        note = f" ({unchanged} already were)" if unchanged else ""
        messages.success(request, f"{changed} investor{'s' if changed != 1 else ''} now with {who}{note}.")
        return redirect(back)


class InvitationListView(PortalView):
    """Invitations by state; relationship managers see the ones they sent or that join their book."""

    nav = "investors"
    capability = permissions.INVITE

    def get(self, request):
        state = request.GET.get("state", "")
        state = state if state in accounts_selectors.INVITATION_STATES else ""
        invitations = accounts_selectors.invitation_list_for_staff(staff=request.staff, state=state)
        page = paginate(request, invitations)
        rows = []
        for invitation in page:
            invitation_state = accounts_selectors.invitation_state(invitation)
            link = ""
            if invitation_state == "pending":
                token = accounts_services.invitation_token(invitation)
                link = request.build_absolute_uri(reverse("web:invite", args=[token]))
            label = accounts_selectors.INVITATION_STATES[invitation_state]
            rows.append({"invitation": invitation, "state": invitation_state, "state_label": label, "link": link})
        counts = accounts_selectors.invitation_counts_for_staff(staff=request.staff)
        return self.render(
            request,
            "portal/invitations.html",
            {
                "page": page,
                "rows": rows,
                "state": state,
                "states": [
                    (value, label, counts[value]) for value, label in accounts_selectors.INVITATION_STATES.items()
                ],
            },
        )


class InvitationActionView(PortalView):
    """POST action=resend|revoke on one invitation this staff member may see (404 otherwise)."""

    nav = "investors"
    capability = permissions.INVITE

    def post(self, request, public_id):
        invitation = accounts_selectors.access_invitation_by_id(staff=request.staff, public_id=public_id)
        action = request.POST.get("action", "")
        back = _safe_next(request, reverse("portal:invitations"))
        try:
            if action == "resend":
                renewed, _link = accounts_services.invitation_resend(invitation=invitation, staff=request.staff)
                sent_to = " and ".join(filter(None, [renewed.email, renewed.mobile]))
                until = date_format(localtime(renewed.expires_at))
                messages.success(request, f"Invitation sent again to {sent_to}; it now works until {until}.")
            elif action == "revoke":
                accounts_services.invitation_revoke(invitation=invitation, staff=request.staff)
                messages.success(
                    request, f"The invitation for {invitation.full_name} was revoked; its link no longer works."
                )
            else:
                messages.error(request, "Choose resend or revoke.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(back)
