"""OAuth 2.0 / OpenID Connect on each distributor's host (mounted at the root by config/urls_tenants.py).

The toolkit's views keep their own URL names in the "oauth2_provider" namespace, which they reverse
for discovery; the sign-in pages are ours."""

from django.urls import include, path, re_path
from oauth2_provider import views as dot_views

from apps.oauth import views
from apps.oauth.discovery import DiscoveryView

oauth2_provider_patterns = [
    path("o/authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("o/token/", dot_views.TokenView.as_view(), name="token"),
    path("o/revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/oauth-authorization-server",
        dot_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
]

urlpatterns = [
    path("", include((oauth2_provider_patterns, "oauth2_provider"))),
    path("login/", views.LoginView.as_view(), name="oauth-login"),
    path("register/", views.RegisterView.as_view(), name="oauth-register"),
    path("logout/", views.LogoutView.as_view(), name="oauth-logout"),
]
