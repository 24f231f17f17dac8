"""A distributor's hosts: branded pages, the investor API, OAuth and the portal."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from apps.core.api_docs import RedocView, SwaggerUiView
from apps.web.views import invitation_redirect
from tenants.views import BrandingApi, TenantHomeView, logo_file

# an API path that matches nothing (a malformed id included) answers in the API's error shape
handler404 = "apps.core.exceptions.not_found"
# the branded 500 page (Django's own renders without the request, so without the distributor's brand)
handler500 = "tenants.error_pages.server_error"

api_v1 = [
    path("branding", BrandingApi.as_view(), name="branding"),
    path("", include("apps.accounts.urls")),
    path("", include("apps.oauth.api_urls")),
    path("", include("apps.funds.urls")),
    path("", include("apps.orders.urls")),
    path("", include("apps.portfolio.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.goals.urls")),
]

urlpatterns = [
    path("", TenantHomeView.as_view(), name="home"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerUiView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("apps.oauth.urls")),
    path("portal/", include("apps.portal.urls")),
    path("web/", include("apps.web.urls")),
    # the link each invitation carries; the one invitation page is the web one
    path("invite/<str:token>/", invitation_redirect, name="invitation"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/set_password.html", success_url="/accounts/set-password/done/"
        ),
        name="set_password",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/set_password_done.html"),
        name="set_password_done",
    ),
]

# The distributor's own current logo only, sandboxed (tenants.views.logo_file); nginx passes /media/ here.
urlpatterns += [re_path(r"^media/(?P<path>[a-z0-9_]+/branding/[0-9a-f]+\.(?:png|jpg|svg)|branding/[^/]+)$", logo_file)]
