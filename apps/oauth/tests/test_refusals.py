"""Each refusal the OAuth server owes (RFC 9700 / the issue), one test each, in-process on alpha's host."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model
from rest_framework.test import APIClient

from apps.oauth.tests.flows import (
    authorize,
    code_for,
    exchange,
    mobile_app,
    pkce_pair,
    redirect_params,
    refresh,
    tokens_for,
)
from tests.clients import signed_in_client
from tests.factories import make_investor


@pytest.fixture
def investor(tenant_alpha):
    return make_investor(tenant_alpha)


@pytest.fixture
def browser(tenant_alpha, investor):
    return signed_in_client(tenant_alpha, investor.user)


@pytest.fixture
def app(tenant_alpha):
    return mobile_app(tenant_alpha)


def me(host: str, access_token: str):
    return APIClient(HTTP_HOST=host).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def test_plain_pkce_challenge_is_refused(browser, app):
    verifier, _ = pkce_pair()
    response = authorize(browser, app, challenge=verifier, method="plain")
    assert response.status_code == 302
    params = redirect_params(response)
    assert params["error"] == "invalid_request"
    assert "code" not in params


def test_challenge_without_method_is_refused_as_plain(browser, app):
    _, challenge = pkce_pair()
    params = redirect_params(authorize(browser, app, challenge=challenge, method=None))
    assert params["error"] == "invalid_request"
    assert "code" not in params


def test_missing_code_challenge_is_refused(browser, app):
    response = authorize(browser, app, challenge=None, method=None)
    params = redirect_params(response)
    assert params["error"] == "invalid_request"
    assert "challenge" in params["error_description"].lower()
    assert "code" not in params


def test_unregistered_redirect_uri_is_refused_without_redirecting(browser, app):
    _, challenge = pkce_pair()
    response = authorize(browser, app, challenge=challenge, redirect_uri="alphaapp://oauth/callback/evil")
    assert response.status_code == 400
    assert not response.has_header("Location")


def test_redirect_uri_must_match_exactly_at_the_token_endpoint(browser, app):
    verifier, challenge = pkce_pair()
    code = code_for(browser, app, challenge=challenge)
    response = exchange(browser, app, code=code, verifier=verifier, redirect_uri="alphaapp://oauth/callback?x=1")
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_request", "invalid_grant")


def test_wrong_code_verifier_is_refused(browser, app):
    _, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    code = code_for(browser, app, challenge=challenge)
    response = exchange(browser, app, code=code, verifier=other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_second_use_of_a_code_is_refused_and_revokes_its_tokens(tenant_alpha, browser, app):
    verifier, challenge = pkce_pair()
    code = code_for(browser, app, challenge=challenge)
    first = exchange(browser, app, code=code, verifier=verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert me("alpha.localhost", tokens["access_token"]).status_code == 200

    second = exchange(browser, app, code=code, verifier=verifier)

    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert me("alpha.localhost", tokens["access_token"]).status_code == 401
    assert refresh(browser, app, tokens["refresh_token"]).status_code == 400


def test_expired_code_is_refused(tenant_alpha, browser, app):
    verifier, challenge = pkce_pair()
    code = code_for(browser, app, challenge=challenge)
    with tenant_context(tenant_alpha):
        grant = get_grant_model().objects.get(code=code)
        assert grant.expires - timezone.now() <= timedelta(seconds=60)
        grant.expires = timezone.now() - timedelta(seconds=1)
        grant.save(update_fields=["expires"])
    response = exchange(browser, app, code=code, verifier=verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_refresh_tokens_rotate_and_a_replay_revokes_the_family(tenant_alpha, investor, browser, app):
    first = tokens_for(tenant_alpha, investor.user)
    rotated = refresh(browser, app, first["refresh_token"])
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert me("alpha.localhost", second["access_token"]).status_code == 200

    replay = refresh(browser, app, first["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert me("alpha.localhost", second["access_token"]).status_code == 401
    assert refresh(browser, app, second["refresh_token"]).status_code == 400


def test_refresh_refused_after_the_absolute_session_lifetime(tenant_alpha, investor, browser, app):
    from apps.oauth.models import DeviceSession

    tokens = tokens_for(tenant_alpha, investor.user)
    with tenant_context(tenant_alpha):
        session = DeviceSession.objects.get(user=investor.user)
        DeviceSession.objects.filter(pk=session.pk).update(
            created_at=timezone.now() - timedelta(days=91), expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = refresh(browser, app, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_implicit_grant_is_refused(browser, app):
    _, challenge = pkce_pair()
    response = authorize(browser, app, challenge=challenge, response_type="token")
    location = response.get("Location", "")
    assert "access_token" not in location
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert redirect_params(response)["error"] == "unsupported_response_type"


def test_password_grant_is_refused(tenant_alpha, investor, app):
    client = APIClient(HTTP_HOST="alpha.localhost")
    response = client.post(
        "/o/token/",
        {"grant_type": "password", "username": investor.user.email, "password": "x", "client_id": app.client_id},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert "access_token" not in response.json()


def test_client_credentials_grant_is_refused(app):
    response = APIClient(HTTP_HOST="alpha.localhost").post(
        "/o/token/", {"grant_type": "client_credentials", "client_id": app.client_id}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_of_alpha_is_refused_at_beta(tenant_alpha, investor):
    tokens = tokens_for(tenant_alpha, investor.user)
    assert me("alpha.localhost", tokens["access_token"]).status_code == 200
    response = me("beta.localhost", tokens["access_token"])
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_access_token_is_refused(tenant_alpha, investor, browser, app):
    tokens = tokens_for(tenant_alpha, investor.user)
    assert me("alpha.localhost", tokens["access_token"]).status_code == 200
    revoked = browser.post(
        "/o/revoke_token/",
        {"token": tokens["access_token"], "token_type_hint": "access_token", "client_id": app.client_id},
    )
    assert revoked.status_code == 200
    assert me("alpha.localhost", tokens["access_token"]).status_code == 401
    assert refresh(browser, app, tokens["refresh_token"]).status_code == 400


def test_id_token_is_not_a_bearer_credential(tenant_alpha, investor):
    tokens = tokens_for(tenant_alpha, investor.user)
    assert tokens["id_token"]
    assert me("alpha.localhost", tokens["id_token"]).status_code == 401


def test_token_in_the_query_string_is_not_accepted(tenant_alpha, investor):
    tokens = tokens_for(tenant_alpha, investor.user)
    response = APIClient(HTTP_HOST="alpha.localhost").get(f"/api/v1/me?access_token={tokens['access_token']}")
    assert response.status_code == 401


def test_forged_token_signed_with_another_key_is_refused(tenant_alpha, investor):
    from jwcrypto import jwk, jwt

    tokens = tokens_for(tenant_alpha, investor.user)
    genuine = jwt.JWT(jwt=tokens["access_token"])
    claims = genuine.token.objects["payload"].decode()
    forger = jwk.JWK.generate(kty="RSA", size=2048)
    forged = jwt.JWT(header={"alg": "RS256", "typ": "at+jwt", "kid": forger.thumbprint()}, claims=claims)
    forged.make_signed_token(forger)
    assert me("alpha.localhost", forged.serialize()).status_code == 401


def test_tokens_are_stored_only_as_checksums(tenant_alpha, investor):
    import hashlib

    tokens = tokens_for(tenant_alpha, investor.user)
    with tenant_context(tenant_alpha):
        stored = get_access_token_model().objects.get(user=investor.user)
        assert stored.token == ""
        assert stored.token_checksum == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
        refresh_row = get_refresh_token_model().objects.get(user=investor.user)
        assert refresh_row.token == ""
