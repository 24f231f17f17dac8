"""Investor web pages for tax, statements and goals: the same selectors and services as the mobile API
(apps.reports, apps.goals), rendered for a signed-in investor."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from apps.core.exceptions import ApplicationError
from apps.goals import selectors as goal_selectors
from apps.goals import services as goal_services
from apps.goals.forms import GoalForm, GoalLinkForm
from apps.goals.pages import goal_page_post
from apps.orders.selectors import sip_list
from apps.portfolio.selectors.holdings import holding_list
from apps.reports import selectors as report_selectors
from apps.reports.capital_gains import financial_year_parse
from apps.reports.forms import StatementRequestForm, financial_year_choices
from apps.reports.pages import financial_year_from, statement_download_url
from apps.reports.schedule_112a import schedule_112a_csv
from apps.reports.services import statement_request
from apps.web.views import InvestorView


class TaxView(InvestorView):
    nav = "tax"

    def get(self, request):
        fy = financial_year_from(request)
        return self.render(
            request,
            "web/tax.html",
            {
                "report": report_selectors.capital_gains_get(investor=request.investor, financial_year=fy),
                "unrealised": report_selectors.unrealised_get(investor=request.investor),
                "fy_choices": financial_year_choices(),
                "csv_url": f"{reverse('web:tax_112a_csv')}?{urlencode({'fy': fy})}",
            },
        )


class Schedule112ACsvView(InvestorView):
    nav = "tax"

    def get(self, request):
        fy = financial_year_from(request)
        report = report_selectors.capital_gains_get(investor=request.investor, financial_year=fy)
        response = HttpResponse(schedule_112a_csv(gains=report.lots, fy_start=financial_year_parse(fy)),
                                content_type="text/csv")  # fmt: skip
        response["Content-Disposition"] = f'attachment; filename="schedule-112a-{fy}.csv"'
        return response


class StatementsView(InvestorView):
    nav = "reports"

    def _render(self, request, form, status=200):
        statements = report_selectors.statement_list(investor=request.investor)[:20]
        return self.render(request, "web/reports.html", {"form": form, "statements": statements}, status=status)

    def get(self, request):
        return self._render(request, StatementRequestForm(initial={"kind": "capital_gains"}))

    def post(self, request):
        form = StatementRequestForm(request.POST)
        if form.is_valid():
            try:
                statement = statement_request(
                    investor=request.investor, requested_by=request.user, **form.statement_arguments()
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(reverse("web:statement", args=[statement.public_id]))
        return self._render(request, form, status=400)


class StatementView(InvestorView):
    nav = "reports"

    def get(self, request, statement_id):
        statement = report_selectors.access_statement_by_id(investor=request.investor, public_id=statement_id)
        context = {
            "statement": statement,
            "progress_url": request.path,
            "download_url": statement_download_url(statement),
            "back_url": reverse("web:statements"),
        }
        template = "reports/_statement_progress.html" if request.headers.get("HX-Request") else "web/report.html"
        return self.render(request, template, context)


class GoalsView(InvestorView):
    nav = "goals"

    def _render(self, request, form, status=200):
        views = goal_selectors.goal_views(investor=request.investor)
        return self.render(request, "web/goals.html", {"goals": views, "form": form}, status=status)

    def get(self, request):
        return self._render(request, GoalForm())

    def post(self, request):
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                goal = goal_services.goal_create(investor=request.investor, actor=request.user, **form.changes())
            except ApplicationError as exc:
                form.add_error(exc.extra.get("field"), exc.message)
            else:
                return redirect(reverse("web:goal", args=[goal.public_id]))
        return self._render(request, form, status=400)


class GoalView(InvestorView):
    """One goal: edit it, link a share of a holding or a SIP, unlink, delete (action in the POST)."""

    nav = "goals"

    def _goal(self, request, goal_id):
        return goal_selectors.access_goal_by_id(investor=request.investor, public_id=goal_id)

    def _link_form(self, request, data=None):
        holdings = holding_list(investor=request.investor).select_related("scheme", "folio")
        sips = sip_list(investor=request.investor).filter(status__in=goal_selectors.LIVE_SIP_STATUSES)
        return GoalLinkForm(data, holdings=holdings, sips=sips)

    def _render(self, request, goal, form=None, link_form=None, status=200, error=""):
        goal = goal_selectors.access_goal_by_id(investor=request.investor, public_id=goal.public_id)
        initial = {f: getattr(goal, f) for f in goal_services.EDITABLE}
        context = {
            "view": goal_selectors.goal_view(goal=goal),
            "form": form or GoalForm(initial=initial),
            "link_form": link_form or self._link_form(request),
            "error": error,
            "can_edit": True,
            "goals_url": reverse("web:goals"),
        }
        return self.render(request, "web/goal.html", context, status=status)

    def get(self, request, goal_id):
        return self._render(request, self._goal(request, goal_id))

    def post(self, request, goal_id):
        goal = self._goal(request, goal_id)
        outcome = goal_page_post(request, goal=goal, link_form=self._link_form(request, request.POST))
        if outcome.redirect_to_list:
            return redirect(reverse("web:goals"))
        if outcome.ok:
            return redirect(request.path)
        return self._render(request, goal, form=outcome.form, link_form=outcome.link_form, status=400,
                            error=outcome.error)  # fmt: skip
