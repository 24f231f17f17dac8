"""django-oauth-toolkit's request validator, adapted to this platform:

- access tokens are JWTs (apps/oauth/tokens.py); oauthlib's OIDC server sends every JWT-shaped bearer
  token to `validate_jwt_bearer_token`, which the toolkit treats as an ID token. Here it is validated as
  the access token it is, and an ID token is never accepted as a bearer credential;
- an authorization code is claimed on its first exchange; a second exchange is refused and revokes
  what the first one issued;
- each refresh-token family is a device session with an absolute lifetime; a replayed (already
  rotated) refresh token revokes the family (the toolkit's REFRESH_TOKEN_REUSE_PROTECTION) and the
  session records it;
- `sub` is the user's public id, never the database key.
"""

from collections import OrderedDict

from django.utils import timezone
from oauth2_provider.models import get_grant_model, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from apps.core.client_ip import client_ip_from_meta
from apps.oauth import services
from apps.oauth.models import DeviceSession
from apps.oauth.tokens import AccessTokenInvalid, access_token_verify, token_checksum

DEVICE_NAME_PARAM = "device_name"


class TenantOAuth2Validator(OAuth2Validator):
    # --- bearer tokens -------------------------------------------------------------------------------

    def validate_bearer_token(self, token, scopes, request):
        if not token:
            return False
        try:
            access_token = access_token_verify(token=token, issuer=oauth2_settings.oidc_issuer(request))
        except AccessTokenInvalid as exc:
            request.oauth2_error = OrderedDict([("error", "invalid_token"), ("error_description", str(exc))])
            return False
        if not access_token.allow_scopes(scopes):
            request.oauth2_error = OrderedDict(
                [("error", "insufficient_scope"), ("error_description", "The access token lacks a scope.")]
            )
            return False
        request.client = access_token.application
        request.user = access_token.user
        request.scopes = list(access_token.scopes)
        request.access_token = access_token
        return True

    def validate_jwt_bearer_token(self, token, scopes, request):
        # The quirk: the OIDC server estimates any "ey...x.y.z" bearer token to be of type JWT and
        # calls this, which the toolkit maps to ID-token validation. Our access tokens are JWTs.
        return self.validate_bearer_token(token, scopes, request)

    # --- authorization codes -------------------------------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        checksum = token_checksum(code or "")
        grant_exists = get_grant_model().objects.filter(code=code, application=client).exists()
        if not grant_exists:
            # gone after its first exchange: a replay revokes what that exchange issued
            services.code_use_replayed(application=client, code_checksum=checksum)
            return False
        if not services.code_use_claim(application=client, code_checksum=checksum):
            services.code_use_replayed(application=client, code_checksum=checksum)
            return False
        return super().validate_code(client_id, code, client, request, *args, **kwargs)

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        family = getattr(request, "issued_token_family", None)
        replayed = services.code_use_record_issue(
            application=request.client, code_checksum=token_checksum(code), token_family=family
        )
        super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        if replayed and family is not None:
            get_refresh_token_model().revoke_family(family)
            services.device_session_mark_compromised(token_family=family, reason="authorization_code_replayed")
            raise errors.InvalidGrantError(request=request)

    # --- refresh tokens --------------------------------------------------------------------------------

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        request.issued_token_family = refresh_token.token_family
        if previous_refresh_token is None:
            services.device_session_start(
                user=request.user,
                application=request.client,
                token_family=refresh_token.token_family,
                device_name=getattr(request, DEVICE_NAME_PARAM, None) or "",
                user_agent=request.headers.get("HTTP_USER_AGENT", ""),
                ip_address=client_ip_from_meta(request.headers) or None,
            )
        else:
            services.device_session_touch(token_family=refresh_token.token_family)
        return refresh_token

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            replayed = (
                get_refresh_token_model()
                .objects.filter(token_checksum=token_checksum(refresh_token), revoked__isnull=False)
                .values_list("token_family", flat=True)
                .first()
            )
            if replayed is not None:
                services.device_session_mark_compromised(token_family=replayed, reason="refresh_token_replayed")
            return False
        family = request.refresh_token_instance.token_family
        session = DeviceSession.objects.filter(token_family=family).first()
        if session is None or session.revoked_at is not None or session.expires_at <= timezone.now():
            # the sign-in reached its absolute lifetime (or was signed out): the device signs in again
            get_refresh_token_model().revoke_family(family)
            return False
        return True

    # --- OpenID Connect claims -------------------------------------------------------------------------

    def get_claim_dict(self, request):
        user = request.user
        return {
            "sub": str(user.public_id),
            "name": user.full_name,
            "email": user.email or "",
            "email_verified": bool(user.email),
            "phone_number": user.mobile or "",
            "phone_number_verified": bool(user.mobile),
        }

    def get_discovery_claims(self, request):
        return ["sub", "name", "email", "email_verified", "phone_number", "phone_number_verified"]
