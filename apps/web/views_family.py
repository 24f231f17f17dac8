"""The investor's family page: requests from family members waiting for this investor's answer (accept
or decline, in their own signed-in session) and the active links, either side, with unlink."""

from django.contrib import messages
from django.shortcuts import redirect

from apps.core.exceptions import ApplicationError
from apps.portfolio.selectors import family as family_selectors
from apps.portfolio.services.family import family_request_accept, family_request_decline, family_unlink
from apps.web.views import InvestorView


class FamilyView(InvestorView):
    nav = "family"
    not_investor_status = 404

    def get(self, request):
        investor = request.investor
        links = [
            {
                "link": link,
                "role": "owner" if link.owner_id == investor.pk else "member",
                "other": link.member if link.owner_id == investor.pk else link.owner,
            }
            for link in family_selectors.family_link_list(investor=investor)
        ]
        requests = family_selectors.family_request_list(member=investor)
        return self.render(request, "web/family.html", {"requests": requests, "links": links})


class FamilyRequestAnswerView(InvestorView):
    """POST only: `answer` is accept or decline. Only the member a request is for finds it (404 else)."""

    not_investor_status = 404
    http_method_names = ["post"]

    def post(self, request, request_id):
        link = family_selectors.access_family_request_by_id(member=request.investor, public_id=request_id)
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                family_request_accept(member=request.investor, link=link, actor=request.user)
                messages.success(request, f"{link.owner.full_name or 'Your family member'} can now see your portfolio.")
            elif answer == "decline":
                family_request_decline(member=request.investor, link=link, actor=request.user)
                messages.success(request, "Request declined. Nothing was shared.")
            else:
                messages.error(request, "Choose accept or decline.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("web:family")


class FamilyUnlinkView(InvestorView):
    not_investor_status = 404
    http_method_names = ["post"]

    def post(self, request, link_id):
        link = family_selectors.access_family_link_by_id(investor=request.investor, public_id=link_id)
        family_unlink(investor=request.investor, link=link, actor=request.user)
        messages.success(request, "Unlinked. Portfolios are no longer shared between you.")
        return redirect("web:family")
