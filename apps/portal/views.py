"""Staff portal pages. Each view reads through selectors and writes through services; it only turns
requests into calls and results into templates."""

import math

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.accounts.models import KycStatus, StaffRole
from apps.accounts.permissions import Capability, sees_every_investor
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.core.pagination import CappedPaginator, KeysFirst
from apps.core.throttling import page_throttle_wait, throttled_message
from apps.orders import selectors as orders_selectors
from apps.portal import permissions
from apps.portal.access import StaffRequiredMixin
from apps.portal.forms import BrandingForm, InviteForm, StaffAddForm
from apps.portfolio import services as portfolio_services
from apps.portfolio.selectors import book as book_selectors
from apps.portfolio.selectors import holdings as portfolio_selectors
from apps.portfolio.selectors.nav_freshness import nav_freshness_get
from tenants import services as tenant_services
from tenants.logos import BrandingError, LogoError
from tenants.services import set_password_url

PAGE_SIZE = 25
# Lists of a whole book (orders, SIPs) count up to this many rows and then say "more than"
LIST_COUNT_CAP = 10_000


def paginate(request, queryset, per_page: int | None = None, *, cap: int | None = None):
    per_page = per_page or PAGE_SIZE  # read at call time, not bound as a default
    paginator = Paginator(queryset, per_page) if cap is None else CappedPaginator(queryset, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


@method_decorator(never_cache, name="dispatch")
class PortalView(StaffRequiredMixin, View):
    nav = ""

    def render(self, request, template: str, context: dict, status: int = 200):
        return render(request, template, {"nav": self.nav, **context}, status=status)


class DashboardView(PortalView):
    nav = "dashboard"
    capability = permissions.VIEW

    def get(self, request):
        if accounts_selectors.staff_book_is_empty(staff=request.staff):
            # a relationship manager with no investors: say why, rather than a page of zeros
            return self.render(request, "portal/dashboard_empty.html", {})
        return self.render(request, "portal/dashboard.html", {"figures": _dashboard_figures(request.staff)})


def _dashboard_figures(staff) -> dict:
    """The dashboard's figures in the staff member's scope (a relationship manager's own book), each
    read from the app that owns it."""
    investors = accounts_selectors.investors_visible_to(staff=staff)
    kyc_counts = accounts_selectors.investor_kyc_counts(investors=investors)
    # a subquery, not a list: a book of 20,000 investors would otherwise send 20,000 ids with every query
    investor_ids = investors.order_by().values_list("id", flat=True)
    aum, aum_as_of = book_selectors.book_aum(investor_ids=investor_ids)
    scope = book_selectors.BOOK_ALL if sees_every_investor(staff) else f"rm{staff.pk}"
    allocation = book_selectors.book_allocation(investor_ids=investor_ids, scope=scope)
    aum_series = book_selectors.book_aum_series(scope=scope)
    if aum_series is None:  # no snapshot of this book yet: one is taken in the background
        portfolio_services.book_snapshot_request(scope=scope)
    return {
        "investor_count": sum(kyc_counts.values()),
        "kyc_counts": kyc_counts,
        "aum": aum,
        "aum_as_of": aum_as_of,
        "allocation": allocation,
        "allocation_chart": {"labels": [r["label"] for r in allocation], "values": [r["value"] for r in allocation]},
        "aum_series": aum_series or {},
        "aum_series_pending": aum_series is None,
        **orders_selectors.order_and_sip_figures(investor_ids=investor_ids),
        "attention": accounts_selectors.investor_kyc_attention(kyc_counts=kyc_counts)
        + book_selectors.book_attention(investor_ids=investor_ids),
    }


class InvestorListView(PortalView):
    nav = "investors"
    capability = permissions.VIEW

    def get(self, request):
        search = request.GET.get("q", "")[:100]
        kyc = request.GET.get("kyc", "")
        kyc = kyc if kyc in KycStatus.values else ""
        rm = request.GET.get("rm", "")[:36]
        manager = accounts_selectors.relationship_manager_get(public_id=rm) if rm else None
        investors = accounts_selectors.investor_list_for_staff(
            staff=request.staff, search=search, kyc_status=kyc, relationship_manager=manager
        )
        sort = request.GET.get("sort", "")
        sort = sort if sort in book_selectors.INVESTOR_SORTS else "name"
        investors = book_selectors.investors_with_aum(investors=investors, sort=sort)
        can_see_all = sees_every_investor(request.staff)
        return self.render(
            request,
            "portal/investors.html",
            {
                # a search reads every investor anyway (no index serves a name's middle): once, for both the
                # count and the page
                "page": paginate(request, KeysFirst(investors, all_keys=bool(search.strip()))),
                "q": search,
                "kyc": kyc,
                "rm": str(manager.public_id) if manager else "",
                "sort": sort,
                "kyc_choices": KycStatus.choices,
                "relationship_managers": accounts_selectors.relationship_manager_list() if can_see_all else [],
                "can_assign": accounts_selectors.staff_can(staff=request.staff, capability=Capability.INVESTORS_ASSIGN),
            },
        )


class InvestorDetailView(PortalView):
    nav = "investors"
    capability = permissions.VIEW

    def get(self, request, public_id):
        investor = accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)
        can_assign = accounts_selectors.staff_can(staff=request.staff, capability=Capability.INVESTORS_ASSIGN)
        context = {
            "investor": investor,
            "overview": _investor_overview(investor),
            "onboarding": _investor_onboarding(investor),
            "relationship_managers": accounts_selectors.relationship_manager_list() if can_assign else [],
        }
        return self.render(request, "portal/investor_detail.html", context)


def _investor_onboarding(investor) -> dict:
    """The investor's onboarding checklist as they see it, and open staff review items
    (templates/portal/_investor_onboarding.html; re-check and resolve in views_onboarding.py)."""
    onboarding = accounts_selectors.investor_onboarding(investor=investor)
    return {
        "onboarding": onboarding,
        "steps": [{"step": step, "url": ""} for step in onboarding.steps],
        "reviews": list(accounts_selectors.investor_review_list(investor=investor)),
    }


def _investor_overview(investor) -> dict:
    """One investor's page: the latest of each record, each read from the app that owns it."""
    return {
        "orders": list(orders_selectors.order_list(investor=investor)[:20]),
        "sips": list(orders_selectors.sip_list(investor=investor).order_by("-created_at")[:20]),
        "bank_accounts": list(accounts_selectors.bank_account_list(investor=investor)),
        "summary": portfolio_selectors.portfolio_summary_get(investor=investor),
        "nav_freshness": nav_freshness_get(investor=investor),
        "holdings": list(portfolio_selectors.holding_list(investor=investor).order_by("-value", "source_name")),
        "transactions": list(
            portfolio_selectors.transaction_list(investor=investor).order_by("-trade_date", "-id")[:20]
        ),
        "imports": list(portfolio_selectors.cas_import_list(investor=investor).order_by("-created_at")[:10]),
    }


class BrandingView(PortalView):
    """The distributor's brand: colours, name, support contacts and logo, with a live preview."""

    nav = "branding"
    capability = permissions.BRANDING
    template_name = "portal/branding.html"

    def _initial(self, request) -> dict:
        branding = request.tenant.branding
        return {
            "display_name": branding.display_name,
            "primary_color": branding.primary_color,
            "accent_color": branding.accent_color,
            "support_email": branding.support_email,
            "support_phone": branding.support_phone,
        }

    def get(self, request):
        return self.render(request, self.template_name, {"form": BrandingForm(initial=self._initial(request))})

    def post(self, request):
        form = BrandingForm(request.POST, request.FILES)
        wait = page_throttle_wait(request, scope="logo_upload") if request.FILES.get("logo") else None
        if wait is not None:
            form.add_error(None, throttled_message(wait))
            response = self.render(request, self.template_name, {"form": form}, status=429)
            response["Retry-After"] = str(math.ceil(wait))
            return response
        if not form.is_valid():
            return self.render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        upload = data.get("logo")
        limit = settings.PORTAL_LOGO_MAX_BYTES
        try:
            tenant_services.branding_update(
                distributor=request.tenant,
                actor=request.user,
                display_name=data["display_name"],
                primary_color=data["primary_color"],
                accent_color=data["accent_color"],
                support_email=data["support_email"],
                support_phone=data["support_phone"],
                # one byte past the limit is enough for the service to refuse an oversized file
                logo=upload.read(limit + 1) if upload else None,
                remove_logo=data["remove_logo"],
            )
        except BrandingError as exc:
            form.add_error("logo" if isinstance(exc, LogoError) else None, exc.message)
            return self.render(request, self.template_name, {"form": form}, status=400)
        messages.success(request, "Branding saved. Investors see it on their next visit.")
        return redirect(reverse("portal:branding"))


class InviteView(PortalView):
    """Invite an investor: identity's invitation service sends the link; the page shows it too."""

    nav = "investors"
    capability = permissions.INVITE
    template_name = "portal/invite.html"

    def _form(self, request, data=None):
        managers = accounts_selectors.relationship_manager_list() if sees_every_investor(request.staff) else []
        return InviteForm(data, managers=list(managers))

    def get(self, request):
        return self.render(request, self.template_name, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if not form.is_valid():
            return self.render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        try:
            invitation, _link = accounts_services.invitation_create(
                staff=request.staff,
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                pan=data["pan"],
                relationship_manager=form.managers.get(data.get("relationship_manager")),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.render(request, self.template_name, {"form": form}, status=400)
        web_link = request.build_absolute_uri(
            reverse("web:invite", args=[accounts_services.invitation_token(invitation)])
        )
        return self.render(request, "portal/invite_sent.html", {"invitation": invitation, "web_link": web_link})


class StaffView(PortalView):
    """The distributor's staff; owners and admins add colleagues (identity's staff_create_by: only
    owners add owners). A new colleague sets a password through a one-time link."""

    nav = "staff"
    capability = permissions.STAFF_VIEW
    template_name = "portal/staff.html"

    def _context(self, request, form=None) -> dict:
        can_manage = accounts_selectors.staff_can(staff=request.staff, capability=permissions.STAFF)
        roles = [
            (value, label)
            for value, label in StaffRole.choices
            if value != StaffRole.OWNER
            or accounts_selectors.staff_can(staff=request.staff, capability=permissions.OWNERS)
        ]
        return {
            "members": accounts_selectors.staff_list(),
            "can_manage": can_manage,
            "form": form or (StaffAddForm(roles=roles) if can_manage else None),
            "roles": roles,
        }

    def get(self, request):
        return self.render(request, self.template_name, self._context(request))

    def post(self, request):
        if not accounts_selectors.staff_can(staff=request.staff, capability=permissions.STAFF):
            return self.render(request, "portal/forbidden.html", {}, status=403)
        roles = self._context(request)["roles"]
        form = StaffAddForm(request.POST, roles=roles)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = accounts_services.staff_create_by(
                    actor_staff=request.staff,
                    email=data["email"],
                    role=data["role"],
                    full_name=data["full_name"],
                    euin=data["euin"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                link = set_password_url(distributor=request.tenant, user=member.user)
                messages.success(
                    request, f"{member.user.email} was added. Their one-time link to set a password: {link}"
                )
                return redirect(reverse("portal:staff"))
        return self.render(request, self.template_name, self._context(request, form), status=400)


class StaffUpdateView(PortalView):
    """Changes a colleague's role or deactivates them (identity's staff_update_by holds the rules)."""

    capability = permissions.STAFF

    def post(self, request, public_id):
        try:
            member = accounts_selectors.access_staff_by_id(staff=request.staff, public_id=public_id)
            member = accounts_services.staff_update_by(
                actor_staff=request.staff,
                member=member,
                role=request.POST.get("role", ""),
                is_active=request.POST.get("is_active") == "on",
                euin=request.POST.get("euin", ""),
                reason=request.POST.get("reason", "")[:1000],
            )
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("portal:staff"))
        messages.success(
            request,
            f"{member.user.email}: {member.get_role_display()}, {'active' if member.is_active else 'deactivated'}.",
        )
        return redirect(reverse("portal:staff"))
