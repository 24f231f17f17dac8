"""Investor web pages on the tenant host (session sign-in), mounted under /web/."""

from django.urls import path

from apps.web import reports_views as web_reports_views
from apps.web import views as web_views
from apps.web import views_family as web_family_views
from apps.web import views_funds as web_funds
from apps.web import views_onboarding as web_onboarding
from apps.web import views_orders as web_order_views
from apps.web import views_sips as web_sips

app_name = "web"

urlpatterns = [
    path("", web_views.PortfolioView.as_view(), name="portfolio"),
    path("transactions/", web_views.TransactionsView.as_view(), name="transactions"),
    path("statements/", web_views.CasUploadView.as_view(), name="cas_upload"),
    path("statements/<uuid:import_id>/", web_views.CasImportView.as_view(), name="cas_import"),
    path("funds/", web_funds.FundListView.as_view(), name="funds"),
    path("funds/<str:amfi_code>/", web_funds.FundDetailView.as_view(), name="fund"),
    path("orders/", web_views.OrderListView.as_view(), name="orders"),
    path("orders/new/", web_views.OrderPlaceView.as_view(), name="order_place"),
    path("orders/basket/", web_order_views.BasketPlaceView.as_view(), name="basket_place"),
    path("orders/baskets/<uuid:basket_id>/", web_order_views.BasketView.as_view(), name="basket"),
    path("orders/<uuid:order_id>/", web_order_views.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<uuid:order_id>/confirm/", web_views.OrderConfirmView.as_view(), name="order_confirm"),
    path("sips/", web_sips.SipListView.as_view(), name="sips"),
    path("sips/new/", web_sips.SipStartView.as_view(), name="sip_new"),
    path("sips/mandates/<uuid:mandate_id>/", web_sips.SipMandateView.as_view(), name="sip_mandate"),
    path("sips/<uuid:sip_id>/", web_sips.SipDetailView.as_view(), name="sip"),
    path("invite/<str:token>/", web_views.InvitationAcceptView.as_view(), name="invite"),
    path("family/", web_family_views.FamilyView.as_view(), name="family"),
    path(
        "family/requests/<uuid:request_id>/", web_family_views.FamilyRequestAnswerView.as_view(), name="family_answer"
    ),
    path("family/links/<uuid:link_id>/unlink/", web_family_views.FamilyUnlinkView.as_view(), name="family_unlink"),
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
