"""Staff portal pages for tax, statements and goals: each investor's capital gains, unrealised gains,
PDF statements with progress and goals, and PDF statements for every investor of a year."""

from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts import selectors as accounts_selectors
from apps.core.exceptions import ApplicationError
from apps.goals import selectors as goal_selectors
from apps.goals import services as goal_services
from apps.goals.forms import GoalForm, GoalLinkForm
from apps.goals.pages import goal_page_post
from apps.orders.selectors import sip_list
from apps.portal import permissions
from apps.portal.views import PortalView
from apps.portfolio.selectors.holdings import holding_list
from apps.reports import selectors as report_selectors
from apps.reports.forms import StatementBatchForm, StatementRequestForm, financial_year_choices
from apps.reports.models import StatementBatch
from apps.reports.pages import financial_year_from, statement_download_url
from apps.reports.services import statement_batch_request, statement_request


class InvestorPortalView(PortalView):
    """A page about one investor this staff member may see (404 for anyone else's)."""

    nav = "investors"

    def investor(self, request, public_id):
        return accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)


class InvestorTaxView(InvestorPortalView):
    capability = permissions.VIEW

    def _render(self, request, investor, form, status=200):
        fy = financial_year_from(request)
        context = {
            "investor": investor,
            "report": report_selectors.capital_gains_get(investor=investor, financial_year=fy),
            "unrealised": report_selectors.unrealised_get(investor=investor),
            "fy_choices": financial_year_choices(),
            "form": form,
            "statements": report_selectors.statement_list(investor=investor)[:20],
            "can_request": permissions.EXPORT in request.staff_caps,
        }
        return self.render(request, "portal/investor_tax.html", context, status=status)

    def get(self, request, public_id):
        form = StatementRequestForm(initial={"kind": "capital_gains", "financial_year": financial_year_from(request)})
        return self._render(request, self.investor(request, public_id), form)

    def post(self, request, public_id):
        investor = self.investor(request, public_id)
        if permissions.EXPORT not in request.staff_caps:
            return self.render(request, "portal/forbidden.html", {"capability": permissions.EXPORT}, status=403)
        form = StatementRequestForm(request.POST)
        if form.is_valid():
            try:
                statement = statement_request(
                    investor=investor, requested_by=request.user, **form.statement_arguments()
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(reverse("portal:investor_statement", args=[investor.public_id, statement.public_id]))
        return self._render(request, investor, form, status=400)


class InvestorStatementView(InvestorPortalView):
    capability = permissions.VIEW

    def get(self, request, public_id, statement_id):
        investor = self.investor(request, public_id)
        statement = report_selectors.access_statement_by_id(investor=investor, public_id=statement_id)
        context = {
            "investor": investor,
            "statement": statement,
            "progress_url": request.path,
            "download_url": statement_download_url(statement),
            "back_url": reverse("portal:investor_tax", args=[investor.public_id]),
        }
        hx = request.headers.get("HX-Request")
        return self.render(request, "reports/_statement_progress.html" if hx else "portal/investor_statement.html",
                           context)  # fmt: skip


class InvestorGoalsView(InvestorPortalView):
    capability = permissions.VIEW

    def _render(self, request, investor, form, status=200):
        context = {
            "investor": investor,
            "goals": goal_selectors.goal_views(investor=investor),
            "form": form,
            "can_edit": permissions.CAS_UPLOAD in request.staff_caps,
        }
        return self.render(request, "portal/investor_goals.html", context, status=status)

    def get(self, request, public_id):
        return self._render(request, self.investor(request, public_id), GoalForm())

    def post(self, request, public_id):
        investor = self.investor(request, public_id)
        if permissions.CAS_UPLOAD not in request.staff_caps:
            return self.render(request, "portal/forbidden.html", {"capability": permissions.CAS_UPLOAD}, status=403)
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                goal = goal_services.goal_create(investor=investor, actor=request.user, **form.changes())
            except ApplicationError as exc:
                form.add_error(exc.extra.get("field"), exc.message)
            else:
                return redirect(reverse("portal:investor_goal", args=[investor.public_id, goal.public_id]))
        return self._render(request, investor, form, status=400)


class InvestorGoalView(InvestorPortalView):
    """Staff with the edit capability change an investor's goal the way the investor can."""

    capability = permissions.VIEW

    def _goal(self, investor, goal_id):
        return goal_selectors.access_goal_by_id(investor=investor, public_id=goal_id)

    def _link_form(self, investor, data=None):
        holdings = holding_list(investor=investor).select_related("scheme", "folio")
        sips = sip_list(investor=investor).filter(status__in=goal_selectors.LIVE_SIP_STATUSES)
        return GoalLinkForm(data, holdings=holdings, sips=sips)

    def _render(self, request, investor, goal, form=None, link_form=None, status=200, error=""):
        goal = self._goal(investor, goal.public_id)
        context = {
            "investor": investor,
            "view": goal_selectors.goal_view(goal=goal),
            "form": form or GoalForm(initial={f: getattr(goal, f) for f in goal_services.EDITABLE}),
            "link_form": link_form or self._link_form(investor),
            "error": error,
            "can_edit": permissions.CAS_UPLOAD in request.staff_caps,
        }
        return self.render(request, "portal/investor_goal.html", context, status=status)

    def get(self, request, public_id, goal_id):
        investor = self.investor(request, public_id)
        return self._render(request, investor, self._goal(investor, goal_id))

    def post(self, request, public_id, goal_id):
        investor = self.investor(request, public_id)
        goal = self._goal(investor, goal_id)
        if permissions.CAS_UPLOAD not in request.staff_caps:
            return self.render(request, "portal/forbidden.html", {"capability": permissions.CAS_UPLOAD}, status=403)
        outcome = goal_page_post(request, goal=goal, link_form=self._link_form(investor, request.POST))
        if outcome.redirect_to_list:
            return redirect(reverse("portal:investor_goals", args=[investor.public_id]))
        if outcome.ok:
            return redirect(request.path)
        return self._render(request, investor, goal, form=outcome.form, link_form=outcome.link_form, status=400,
                            error=outcome.error)  # fmt: skip


class StatementBatchesView(PortalView):
    """Statements for every investor this staff member sees, for a financial year, with progress."""

    nav = "statements"
    capability = permissions.EXPORT

    def _render(self, request, form, status=200):
        batches = StatementBatch.objects.all()[:10]
        rows = [(batch, report_selectors.statement_batch_progress(batch=batch)) for batch in batches]
        return self.render(request, "portal/statement_batches.html", {"form": form, "batches": rows}, status=status)

    def get(self, request):
        return self._render(request, StatementBatchForm(initial={"kind": "capital_gains"}))

    def post(self, request):
        form = StatementBatchForm(request.POST)
        if form.is_valid():
            try:
                batch = statement_batch_request(
                    kind=form.cleaned_data["kind"],
                    financial_year=form.cleaned_data["financial_year"],
                    requested_by=request.user,
                    investors=accounts_selectors.investors_visible_to(staff=request.staff),
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(reverse("portal:statement_batch", args=[batch.public_id]))
        return self._render(request, form, status=400)


class StatementBatchView(PortalView):
    nav = "statements"
    capability = permissions.EXPORT

    def get(self, request, batch_id):
        batch = report_selectors.access_statement_batch_by_id(staff=request.staff, public_id=batch_id)
        context = {"batch": batch, "progress": report_selectors.statement_batch_progress(batch=batch),
                   "progress_url": request.path}  # fmt: skip
        hx = request.headers.get("HX-Request")
        return self.render(request, "portal/_batch_progress.html" if hx else "portal/statement_batch.html", context)
