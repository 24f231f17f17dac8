"""URLs of apps.portfolio, mounted by config/urls_tenants.py under /api/v1/."""

from django.urls import path

from apps.portfolio import apis

urlpatterns = [
    path("portfolio/summary", apis.PortfolioSummaryApi.as_view(), name="portfolio-summary"),
    path("portfolio/holdings", apis.HoldingListApi.as_view(), name="portfolio-holdings"),
    path("portfolio/holdings/<uuid:holding_id>", apis.HoldingDetailApi.as_view(), name="portfolio-holding"),
    path("portfolio/schemes", apis.SchemePositionListApi.as_view(), name="portfolio-schemes"),
    path("portfolio/transactions", apis.TransactionListApi.as_view(), name="portfolio-transactions"),
    path(
        "portfolio/transactions/<uuid:transaction_id>",
        apis.TransactionDetailApi.as_view(),
        name="portfolio-transaction",
    ),
    path("portfolio/performance", apis.PerformanceApi.as_view(), name="portfolio-performance"),
    path("portfolio/allocation", apis.AllocationApi.as_view(), name="portfolio-allocation"),
    path("portfolio/family", apis.FamilyLinkListApi.as_view(), name="portfolio-family"),
    path("portfolio/family/summary", apis.FamilySummaryApi.as_view(), name="portfolio-family-summary"),
    path("portfolio/family/invitations", apis.FamilyRequestCreateApi.as_view(), name="portfolio-family-invite"),
    path("portfolio/family/requests", apis.FamilyRequestListApi.as_view(), name="portfolio-family-requests"),
    path(
        "portfolio/family/requests/<uuid:request_id>/accept",
        apis.FamilyRequestAcceptApi.as_view(),
        name="portfolio-family-request-accept",
    ),
    path(
        "portfolio/family/requests/<uuid:request_id>/decline",
        apis.FamilyRequestDeclineApi.as_view(),
        name="portfolio-family-request-decline",
    ),
    path("portfolio/family/links/<uuid:link_id>", apis.FamilyUnlinkApi.as_view(), name="portfolio-family-unlink"),
    path("imports", apis.CasImportCreateApi.as_view(), name="imports"),
    path("imports/<uuid:import_id>", apis.CasImportDetailApi.as_view(), name="import"),
]
