"""Investor web pages on the tenant host (session sign-in), mounted under /web/."""

from django.urls import path

from apps.web import reports_views as web_reports_views
from apps.web import views as web_views
from apps.web import views_onboarding as web_onboarding

app_name = "web"

urlpatterns = [
    path("", web_views.PortfolioView.as_view(), name="portfolio"),
    path("transactions/", web_views.TransactionsView.as_view(), name="transactions"),
    path("statements/", web_views.CasUploadView.as_view(), name="cas_upload"),
    path("statements/<uuid:import_id>/", web_views.CasImportView.as_view(), name="cas_import"),
    path("orders/", web_views.OrderListView.as_view(), name="orders"),
    path("orders/new/", web_views.OrderPlaceView.as_view(), name="order_place"),
    path("orders/<uuid:order_id>/confirm/", web_views.OrderConfirmView.as_view(), name="order_confirm"),
    path("invite/<str:token>/", web_views.InvitationAcceptView.as_view(), name="invite"),
    # onboarding: the checklist and one page per step
    path("start/", web_onboarding.StartView.as_view(), name="start"),
    path("onboarding/", web_onboarding.OnboardingView.as_view(), name="onboarding"),
    path("onboarding/profile/", web_onboarding.ProfileStepView.as_view(), name="onboarding_profile"),
    path("onboarding/kyc/", web_onboarding.KycStepView.as_view(), name="onboarding_kyc"),
    path("onboarding/bank/", web_onboarding.BankStepView.as_view(), name="onboarding_bank"),
    path("onboarding/nominees/", web_onboarding.NomineesStepView.as_view(), name="onboarding_nominees"),
    path("onboarding/fatca/", web_onboarding.FatcaStepView.as_view(), name="onboarding_fatca"),
    # tax, PDF statements and goals
    path("tax/", web_reports_views.TaxView.as_view(), name="tax"),
    path("tax/schedule-112a.csv", web_reports_views.Schedule112ACsvView.as_view(), name="tax_112a_csv"),
    path("reports/", web_reports_views.StatementsView.as_view(), name="statements"),
    path("reports/<uuid:statement_id>/", web_reports_views.StatementView.as_view(), name="statement"),
    path("goals/", web_reports_views.GoalsView.as_view(), name="goals"),
    path("goals/<uuid:goal_id>/", web_reports_views.GoalView.as_view(), name="goal"),
]
