"""The OAuth client side of the tests: Authorization Code + PKCE run in-process against the tenant's host."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from django_tenants.utils import tenant_context

from tests.clients import signed_in_client


def mobile_app(tenant):
    from oauth2_provider.models import get_application_model

    from apps.oauth.services import MOBILE_APP_NAME

    with tenant_context(tenant):
        return get_application_model().objects.get(name=MOBILE_APP_NAME)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(client: Client, app, *, challenge: str | None, method: str | None = "S256", **params):
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uris.split()[0],
        "scope": "openid read write",
        "state": secrets.token_urlsafe(8),
    }
    if challenge is not None:
        query["code_challenge"] = challenge
    if method is not None:
        query["code_challenge_method"] = method
    query.update(params)
    return client.get("/o/authorize/?" + urlencode(query))


def redirect_params(response) -> dict[str, str]:
    location = response["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def code_for(client: Client, app, *, challenge: str) -> str:
    response = authorize(client, app, challenge=challenge)
    assert response.status_code == 302, response.content[:300]
    params = redirect_params(response)
    assert "code" in params, params
    return params["code"]


def exchange(client: Client, app, *, code: str, verifier: str, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uris.split()[0],
        "client_id": app.client_id,
        "code_verifier": verifier,
    }
    data.update(extra)
    return client.post("/o/token/", data)


def refresh(client: Client, app, refresh_token: str):
    return client.post(
        "/o/token/", {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": app.client_id}
    )


def tokens_for(tenant, user, *, device_name: str = "") -> dict:
    """Runs Authorization Code + PKCE in-process and returns the token response."""
    client = signed_in_client(tenant, user)
    app = mobile_app(tenant)
    verifier, challenge = pkce_pair()
    code = code_for(client, app, challenge=challenge)
    extra = {"device_name": device_name} if device_name else {}
    response = exchange(client, app, code=code, verifier=verifier, **extra)
    assert response.status_code == 200, response.content
    return response.json()
