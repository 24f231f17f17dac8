"""Access tokens: RS256-signed JWTs (RFC 9068 profile) that resource servers can verify from the JWKS,
and that stay revocable because each one is also stored (as a SHA-256 checksum) as a
django-oauth-toolkit AccessToken in the tenant's schema. Verification checks the signature and claims
and then that the stored token still exists, so revoking it (or its refresh-token family) takes effect
at once."""

import functools
import hashlib
import json
import time
import uuid
from urllib.parse import urlsplit

from django.db import connection
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException
from oauth2_provider.models import get_access_token_model
from oauth2_provider.settings import oauth2_settings

ACCESS_TOKEN_TYPE = "at+jwt"
ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 30


class AccessTokenInvalid(Exception):
    """The bearer token is not one we issued here, is expired or was revoked. The message is safe to
    show to the caller."""


def api_audience(issuer: str) -> str:
    """The audience of access tokens: this tenant's investor API."""
    return f"{issuer}/api/v1"


@functools.lru_cache(maxsize=8)
def _keys(active_pem: str, inactive_pems: tuple[str, ...]) -> tuple[jwk.JWK, jwk.JWKSet]:
    active = jwk.JWK.from_pem(active_pem.encode())
    keyset = jwk.JWKSet()
    keyset.add(active)
    for pem in inactive_pems:
        keyset.add(jwk.JWK.from_pem(pem.encode()))
    return active, keyset


def signing_key() -> jwk.JWK:
    return _keys(oauth2_settings.OIDC_RSA_PRIVATE_KEY, tuple(oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE))[0]


def verification_keys() -> jwk.JWKSet:
    """The active key and the retired ones still published in the JWKS (key rotation)."""
    return _keys(oauth2_settings.OIDC_RSA_PRIVATE_KEY, tuple(oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE))[1]


def looks_like_jwt(token: str | None) -> bool:
    return bool(token) and token.count(".") == 2 and token.startswith("ey")


def access_token_generate(request) -> str:
    """oauthlib token generator (OAUTH2_PROVIDER["ACCESS_TOKEN_GENERATOR"]). `request` is oauthlib's
    request after the grant was validated: user, client and scopes are set, and expires_in."""
    issuer = oauth2_settings.oidc_issuer(request)
    now = int(time.time())
    key = signing_key()
    claims = {
        "iss": issuer,
        "aud": api_audience(issuer),
        "sub": str(request.user.public_id),
        "client_id": request.client.client_id,
        "iat": now,
        "nbf": now,
        "exp": now + int(request.expires_in),
        "jti": uuid.uuid4().hex,
        "scope": " ".join(request.scopes or []),
        "tenant": connection.schema_name,
    }
    header = {"alg": ALGORITHM, "typ": ACCESS_TOKEN_TYPE, "kid": key.thumbprint()}
    token = jwt.JWT(header=header, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def token_checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issuer_host_belongs_to_tenant(issuer: str) -> bool:
    """A distributor with several domains: a token issued on one of them is good on the others."""
    host = urlsplit(issuer).hostname or ""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or not host:
        return False
    return tenant.domains.filter(domain=host).exists()


def access_token_verify(*, token: str, issuer: str):
    """Returns the stored AccessToken (with user and application loaded) behind a JWT access token,
    or raises AccessTokenInvalid. Runs in the tenant schema of the request."""
    if not looks_like_jwt(token):
        raise AccessTokenInvalid("The access token is malformed.")
    try:
        unverified = jws.JWS()
        unverified.deserialize(token)
        header = unverified.jose_header
    except (JWException, ValueError):
        raise AccessTokenInvalid("The access token is malformed.") from None
    if header.get("alg") != ALGORITHM or header.get("typ") != ACCESS_TOKEN_TYPE:
        # ID tokens (typ JWT) and anything signed otherwise are not access tokens
        raise AccessTokenInvalid("The access token is not valid.")
    try:
        verified = jwt.JWT(
            algs=[ALGORITHM],
            check_claims={"exp": None, "nbf": None, "iat": None, "jti": None, "sub": None},
            expected_type="JWS",
        )
        verified.leeway = CLOCK_SKEW_SECONDS
        verified.deserialize(token, key=verification_keys())
        claims = json.loads(verified.claims)
    except jwt.JWTExpired:
        raise AccessTokenInvalid("The access token has expired.") from None
    except (JWException, ValueError, KeyError, TypeError):
        raise AccessTokenInvalid("The access token is not valid.") from None

    token_issuer = claims.get("iss", "")
    if token_issuer != issuer and not _issuer_host_belongs_to_tenant(token_issuer):
        raise AccessTokenInvalid("The access token was issued elsewhere.")
    if claims.get("tenant") != connection.schema_name:
        raise AccessTokenInvalid("The access token was issued elsewhere.")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if api_audience(token_issuer) not in audiences:
        raise AccessTokenInvalid("The access token is not meant for this API.")

    stored = (
        get_access_token_model()
        .objects.select_related("user", "application")
        .filter(token_checksum=token_checksum(token))
        .first()
    )
    if stored is None:
        raise AccessTokenInvalid("The access token was revoked.")
    if stored.is_expired():
        raise AccessTokenInvalid("The access token has expired.")
    user = stored.user
    if user is None or not user.is_active or str(user.public_id) != claims.get("sub"):
        raise AccessTokenInvalid("The access token is not valid.")
    return stored
