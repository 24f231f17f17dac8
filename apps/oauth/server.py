"""The OAuth/OIDC server: oauthlib's OpenID Connect server narrowed to what the platform allows.

Only the authorization-code grant (with PKCE, S256 only) and refresh tokens exist here. The implicit,
hybrid, password, client-credentials and device grants are not registered at all, so a request for
them is refused by the protocol layer (unsupported_response_type / unsupported_grant_type) before any
application setting is consulted; the RFC 9700 gates in settings refuse them a second time."""

from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256
from oauthlib.openid import Server

S256_ONLY = {"S256": code_challenge_method_s256}


class AuthorizationCodeServer(Server):
    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        # "plain" (and a missing method, which RFC 7636 defaults to plain) is refused at /authorize
        # with invalid_request, and a stored plain challenge could never verify at /token.
        self.auth_grant._code_challenge_methods = S256_ONLY
        self.openid_connect_auth.proxy_target._code_challenge_methods = S256_ONLY
        self._response_types = {"code": self.auth_grant_choice}
        self._grant_types = {
            "authorization_code": self.token_grant_choice,
            "refresh_token": self.refresh_grant,
        }
