"""Investor web pages on the tenant host (session sign-in), mounted under /web/."""

from django.urls import path

from apps.portal import web_views

app_name = "web"

urlpatterns = [
    path("", web_views.PortfolioView.as_view(), name="portfolio"),
    path("transactions/", web_views.TransactionsView.as_view(), name="transactions"),
    path("statements/", web_views.CasUploadView.as_view(), name="cas_upload"),
    path("statements/<uuid:import_id>/", web_views.CasImportView.as_view(), name="cas_import"),
    path("invite/<str:token>/", web_views.InvitationAcceptView.as_view(), name="invite"),
]
