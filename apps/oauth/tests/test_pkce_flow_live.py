"""A standard OAuth client (authlib) runs Authorization Code + PKCE against a live server on alpha's
host, the way the mobile app does through the system browser, and then uses the API with its token.
The token is verified against the published JWKS like any resource server would."""

import re
from urllib.parse import urljoin

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django_tenants.utils import tenant_context
from joserfc import jwt
from joserfc.jwk import KeySet

from apps.oauth.tests.flows import mobile_app
from tests.factories import PASSWORD, make_investor, unique

pytestmark = pytest.mark.live

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _sign_in_and_authorize(session: OAuth2Session, base: str, authorization_url: str, email: str) -> str:
    """The system browser's part: the authorization endpoint sends an anonymous user to the branded
    sign-in page, which sends them back, and the endpoint redirects to the app with a code."""
    response = session.get(authorization_url, allow_redirects=False, withhold_token=True)
    assert response.status_code == 302
    login_url = urljoin(base, response.headers["Location"])
    assert "/login/" in login_url
    page = session.get(login_url, withhold_token=True)
    assert page.status_code == 200
    assert "Alpha Wealth" in page.text  # the tenant's brand
    next_url = re.search(r'name="next" value="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    signed_in = session.post(
        urljoin(base, "/login/"),
        data={
            "csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1),
            "identifier": email,
            "password": PASSWORD,
            "action": "password",
            "next": next_url,
        },
        allow_redirects=False,
        withhold_token=True,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    authorized = session.get(urljoin(base, signed_in.headers["Location"]), allow_redirects=False, withhold_token=True)
    assert authorized.status_code == 302
    return authorized.headers["Location"]


def _verify(token: str, jwks: dict, *, issuer: str, audience: str) -> tuple[dict, dict]:
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        sub={"essential": True},
        exp={"essential": True},
        jti={"essential": True},
    ).validate(decoded.claims)
    return decoded.header, decoded.claims


def test_authorization_code_with_pkce_by_a_standard_client(live_server, live_db, monkeypatch):
    from tenants.models import Distributor

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the live server speaks plain HTTP
    alpha = Distributor.objects.get(schema_name="alpha")
    email = f"{unique('live')}@example.test"
    investor = make_investor(alpha, email=email)
    app = mobile_app(alpha)
    base = live_server.url("alpha.localhost")

    discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == base
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]

    client = OAuth2Session(
        client_id=app.client_id,
        redirect_uri=app.redirect_uris,
        scope="openid read write",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = generate_token(48)
    authorization_url, state = client.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier
    )
    callback = _sign_in_and_authorize(client, base, authorization_url, email)
    assert callback.startswith(f"{app.redirect_uris}?")

    token = client.fetch_token(
        discovery["token_endpoint"],
        authorization_response=callback,
        code_verifier=verifier,
        device_name="Pixel 9 (test)",
    )
    assert token["token_type"] == "Bearer"
    assert 0 < token["expires_in"] <= 600

    jwks = requests.get(discovery["jwks_uri"], timeout=10).json()
    header, claims = _verify(token["access_token"], jwks, issuer=base, audience=f"{base}/api/v1")
    assert header["alg"] == "RS256" and header["typ"] == "at+jwt" and header["kid"]
    assert claims["exp"] - claims["iat"] <= 600
    assert claims["tenant"] == "alpha"
    assert claims["client_id"] == app.client_id
    assert set(claims["scope"].split()) == {"openid", "read", "write"}
    _, id_claims = _verify(token["id_token"], jwks, issuer=base, audience=app.client_id)
    assert id_claims["sub"] == claims["sub"]

    me = client.get(f"{base}/api/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == claims["sub"] == str(investor.user.public_id)
    assert me.json()["id"] == str(investor.public_id)

    userinfo = client.get(discovery["userinfo_endpoint"])
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == claims["sub"]

    sessions = client.get(f"{base}/api/v1/me/sessions").json()
    assert [(s["device_name"], s["current"]) for s in sessions] == [("Pixel 9 (test)", True)]

    refreshed = client.refresh_token(discovery["token_endpoint"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert refreshed["access_token"] != token["access_token"]
    assert client.get(f"{base}/api/v1/me").status_code == 200

    # the same token means nothing at another distributor
    beta = requests.get(
        live_server.url("beta.localhost", "/api/v1/me"),
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
        timeout=10,
    )
    assert beta.status_code == 401

    with tenant_context(alpha):
        from apps.oauth.models import DeviceSession

        assert DeviceSession.objects.filter(user=investor.user, device_name="Pixel 9 (test)").count() == 1
