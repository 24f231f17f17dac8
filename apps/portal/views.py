"""Staff portal pages. Each view reads through selectors and writes through services; it only turns
requests into calls and results into templates."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from apps.accounts.models import KycStatus
from apps.core.exceptions import NotFoundError
from apps.portal import permissions, selectors
from apps.portal.access import StaffRequiredMixin

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@method_decorator(never_cache, name="dispatch")
class PortalView(StaffRequiredMixin, View):
    nav = ""

    def render(self, request, template: str, context: dict, status: int = 200):
        return render(request, template, {"nav": self.nav, **context}, status=status)


class DashboardView(PortalView):
    nav = "dashboard"
    capability = permissions.VIEW

    def get(self, request):
        figures = selectors.dashboard_figures(member=request.staff)
        return self.render(request, "portal/dashboard.html", {"figures": figures})


class InvestorListView(PortalView):
    nav = "investors"
    capability = permissions.VIEW

    def get(self, request):
        search = request.GET.get("q", "")[:100]
        kyc = request.GET.get("kyc", "")
        kyc = kyc if kyc in KycStatus.values else ""
        rm = _int_or_none(request.GET.get("rm"))
        investors = selectors.investor_list_for_staff(
            member=request.staff, search=search, kyc_status=kyc, relationship_manager_id=rm
        )
        can_see_all = selectors.staff_can(member=request.staff, capability=permissions.VIEW_ALL_INVESTORS)
        return self.render(
            request,
            "portal/investors.html",
            {
                "page": paginate(request, investors),
                "q": search,
                "kyc": kyc,
                "rm": rm,
                "kyc_choices": KycStatus.choices,
                "relationship_managers": selectors.relationship_managers() if can_see_all else [],
            },
        )


class InvestorDetailView(PortalView):
    nav = "investors"
    capability = permissions.VIEW

    def get(self, request, public_id):
        try:
            investor = selectors.access_investor_for_staff(member=request.staff, public_id=public_id)
        except NotFoundError:
            raise Http404("No such investor.") from None
        return self.render(
            request,
            "portal/investor_detail.html",
            {"investor": investor, "overview": selectors.investor_overview_for_staff(investor=investor)},
        )
