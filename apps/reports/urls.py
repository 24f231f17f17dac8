"""URLs of apps.reports, mounted by config/urls_tenants.py under /api/v1/."""

from django.urls import path

from apps.reports import apis

urlpatterns = [
    path("tax/capital-gains", apis.CapitalGainsApi.as_view(), name="tax-capital-gains"),
    path("tax/unrealised", apis.UnrealisedGainsApi.as_view(), name="tax-unrealised"),
    path("tax/schedule-112a.csv", apis.Schedule112ACsvApi.as_view(), name="tax-schedule-112a"),
    path("statements", apis.StatementListCreateApi.as_view(), name="statements"),
    path("statements/<uuid:statement_id>", apis.StatementDetailApi.as_view(), name="statement"),
    path("statements/<uuid:statement_id>/download", apis.StatementDownloadApi.as_view(), name="statement-download"),
]
