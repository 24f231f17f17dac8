"""The distributor portal, mounted under /portal/ on every tenant host (config/urls_tenants.py)."""

from django.urls import path

from apps.portal import (
    views,
    views_auth,
    views_imports,
    views_invitations,
    views_onboarding,
    views_operations,
    views_orders,
    views_reports,
    views_sips,
)

app_name = "portal"

urlpatterns = [
    path("login/", views_auth.SignInView.as_view(), name="login"),
    path("login/code/", views_auth.SignInTotpView.as_view(), name="login_totp"),
    path("logout/", views_auth.SignOutView.as_view(), name="logout"),
    path("security/", views_auth.SecurityView.as_view(), name="security"),
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("investors/", views.InvestorListView.as_view(), name="investors"),
    path("investors/invite/", views.InviteView.as_view(), name="invite"),
    path("investors/assign/", views_invitations.InvestorAssignView.as_view(), name="investors_assign"),
    path("investors/invitations/", views_invitations.InvitationListView.as_view(), name="invitations"),
    path(
        "investors/invitations/<uuid:public_id>/",
        views_invitations.InvitationActionView.as_view(),
        name="invitation_action",
    ),
    path("investors/<uuid:public_id>/", views.InvestorDetailView.as_view(), name="investor"),
    path(
        "investors/<uuid:public_id>/kyc-check/",
        views_onboarding.InvestorKycCheckView.as_view(),
        name="investor_kyc_check",
    ),
    path(
        "investors/<uuid:public_id>/reviews/<uuid:review_id>/resolve/",
        views_onboarding.InvestorReviewResolveView.as_view(),
        name="investor_review_resolve",
    ),
    path("investors/<uuid:public_id>/cas/", views_imports.CasUploadView.as_view(), name="cas_upload"),
    path(
        "investors/<uuid:public_id>/imports/<uuid:import_id>/",
        views_imports.CasImportView.as_view(),
        name="cas_import",
    ),
    path("investors/<uuid:public_id>/orders/new/", views_orders.OrderPlaceView.as_view(), name="order_place"),
    path("orders/", views_orders.OrderListView.as_view(), name="orders"),
    path("orders/export.csv", views_orders.OrderExportView.as_view(), name="orders_export"),
    path("orders/<uuid:public_id>/", views_orders.OrderDetailView.as_view(), name="order_detail"),
    path("sips/", views_sips.SipBookView.as_view(), name="sips"),
    path("sips/export.csv", views_sips.SipBookExportView.as_view(), name="sips_export"),
    path("sips/<uuid:public_id>/", views_sips.SipDetailView.as_view(), name="sip"),
    path("investors/<uuid:public_id>/sips/new/", views_sips.SipStartView.as_view(), name="sip_start"),
    path("funds/", views_orders.FundExplorerView.as_view(), name="funds"),
    # tax, PDF statements and goals
    path("investors/<uuid:public_id>/tax/", views_reports.InvestorTaxView.as_view(), name="investor_tax"),
    path(
        "investors/<uuid:public_id>/statements/<uuid:statement_id>/",
        views_reports.InvestorStatementView.as_view(),
        name="investor_statement",
    ),
    path("investors/<uuid:public_id>/goals/", views_reports.InvestorGoalsView.as_view(), name="investor_goals"),
    path(
        "investors/<uuid:public_id>/goals/<uuid:goal_id>/",
        views_reports.InvestorGoalView.as_view(),
        name="investor_goal",
    ),
    path("statements/", views_reports.StatementBatchesView.as_view(), name="statement_batches"),
    path("statements/<uuid:batch_id>/", views_reports.StatementBatchView.as_view(), name="statement_batch"),
    path("settings/branding/", views.BrandingView.as_view(), name="branding"),
    path("settings/staff/", views.StaffView.as_view(), name="staff"),
    path("settings/staff/<uuid:public_id>/", views.StaffUpdateView.as_view(), name="staff_update"),
]

# operations console, registrar feeds, commission and the exchange identity (apps/portal/views_operations.py)
urlpatterns += [
    path("operations/", views_operations.OperationsConsoleView.as_view(), name="operations"),
    path(
        "operations/discrepancies/<uuid:public_id>/",
        views_operations.DiscrepancyActionView.as_view(),
        name="discrepancy_action",
    ),
    path("operations/orders/<uuid:public_id>/", views_operations.OrderCallsView.as_view(), name="operations_order"),
    path(
        "operations/orders/<uuid:public_id>/act/",
        views_operations.OrderOperationView.as_view(),
        name="operations_order_act",
    ),
    path("operations/feeds/", views_operations.FeedListView.as_view(), name="feeds"),
    path("commission/", views_operations.CommissionView.as_view(), name="commission"),
    path("commission/export.csv", views_operations.CommissionExportView.as_view(), name="commission_export"),
    path("settings/exchange/", views_operations.ExchangeSettingsView.as_view(), name="exchange"),
]
