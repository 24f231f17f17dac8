"""DRF authentication for the investor API: `Authorization: Bearer <JWT access token>`."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.settings import oauth2_settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from apps.oauth.tokens import AccessTokenInvalid, access_token_verify

READ_SCOPE = "read"
WRITE_SCOPE = "write"


class JwtAccessTokenAuthentication(BaseAuthentication):
    """Verifies the JWT (signature from the JWKS keys, issuer, audience, tenant, expiry) and that its
    stored counterpart still exists (so revocation is immediate). Sets request.auth to the toolkit's
    AccessToken: views can read its scopes and application. A token needs the "read" scope for safe
    methods and "write" for the others (403 otherwise), whatever the view's permission classes.

    No Authorization header: returns None so session auth (portal, web pages) and test clients'
    force_authenticate keep working. A Bearer header that does not verify: 401, never a fallback."""

    keyword = "bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.") from None
        try:
            access_token = access_token_verify(token=token, issuer=oauth2_settings.oidc_issuer(request._request))
        except AccessTokenInvalid as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        needed = READ_SCOPE if request.method in SAFE_METHODS else WRITE_SCOPE
        if not access_token.allow_scopes([needed]):
            raise exceptions.PermissionDenied(f"The access token lacks the {needed!r} scope.")
        return access_token.user, access_token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class JwtAccessTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.oauth.authentication.JwtAccessTokenAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "Authorization Code with PKCE (S256). Access tokens are RS256 JWTs (10 minutes).",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/o/authorize/",
                    "tokenUrl": "/o/token/",
                    "refreshUrl": "/o/token/",
                    "scopes": dict(oauth2_settings.SCOPES),
                }
            },
        }
