"""Devices (refresh-token families), the branded sign-in page, discovery, the onboarding hook and the
OpenAPI schema."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from apps.oauth.authentication import JwtAccessTokenAuthentication
from apps.oauth.tests.flows import authorize, exchange, mobile_app, pkce_pair, redirect_params, refresh, tokens_for
from tests.clients import signed_in_client
from tests.factories import PASSWORD, make_investor
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.django_db


def bearer(token: str, host: str = "alpha.localhost") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_sessions_list_devices_and_sign_one_out(tenant_alpha):
    investor = make_investor(tenant_alpha)
    phone = tokens_for(tenant_alpha, investor.user, device_name="Phone")
    tablet = tokens_for(tenant_alpha, investor.user, device_name="Tablet")
    other = make_investor(tenant_alpha)
    tokens_for(tenant_alpha, other.user, device_name="Someone else's phone")

    listed = bearer(phone["access_token"]).get("/api/v1/me/sessions")
    assert listed.status_code == 200
    by_name = {row["device_name"]: row for row in listed.json()}
    assert set(by_name) == {"Phone", "Tablet"}
    assert by_name["Phone"]["current"] is True and by_name["Tablet"]["current"] is False
    assert by_name["Tablet"]["last_used_at"]

    revoked = bearer(phone["access_token"]).delete(f"/api/v1/me/sessions/{by_name['Tablet']['id']}")
    assert revoked.status_code == 204
    assert bearer(tablet["access_token"]).get("/api/v1/me").status_code == 401
    browser = Client(HTTP_HOST="alpha.localhost")
    assert refresh(browser, mobile_app(tenant_alpha), tablet["refresh_token"]).status_code == 400
    assert [row["device_name"] for row in bearer(phone["access_token"]).get("/api/v1/me/sessions").json()] == ["Phone"]


def test_another_users_session_is_404(tenant_alpha):
    alice = make_investor(tenant_alpha)
    bob = make_investor(tenant_alpha)
    alice_tokens = tokens_for(tenant_alpha, alice.user, device_name="Alice phone")
    bob_tokens = tokens_for(tenant_alpha, bob.user, device_name="Bob phone")
    bob_session = bearer(bob_tokens["access_token"]).get("/api/v1/me/sessions").json()[0]["id"]
    assert bearer(alice_tokens["access_token"]).delete(f"/api/v1/me/sessions/{bob_session}").status_code == 404
    assert bearer(bob_tokens["access_token"]).get("/api/v1/me").status_code == 200


def test_sign_out_everywhere_but_here(tenant_alpha):
    investor = make_investor(tenant_alpha)
    here = tokens_for(tenant_alpha, investor.user, device_name="Here")
    there = tokens_for(tenant_alpha, investor.user, device_name="There")
    response = bearer(here["access_token"]).delete("/api/v1/me/sessions?keep_current=true")
    assert response.json() == {"revoked": 1}
    assert bearer(there["access_token"]).get("/api/v1/me").status_code == 401
    assert bearer(here["access_token"]).get("/api/v1/me").status_code == 200
    bearer(here["access_token"]).delete("/api/v1/me/sessions")
    assert bearer(here["access_token"]).get("/api/v1/me").status_code == 401


def test_read_scope_cannot_write(tenant_alpha):
    investor = make_investor(tenant_alpha)
    browser = signed_in_client(tenant_alpha, investor.user)
    app = mobile_app(tenant_alpha)
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(browser, app, challenge=challenge, scope="read"))["code"]
    tokens = exchange(browser, app, code=code, verifier=verifier).json()
    assert bearer(tokens["access_token"]).get("/api/v1/me").status_code == 200
    assert bearer(tokens["access_token"]).patch("/api/v1/me", {"city": "Goa"}, format="json").status_code == 403


def test_login_page_carries_the_tenant_brand():
    alpha = Client(HTTP_HOST="alpha.localhost").get("/login/")
    beta = Client(HTTP_HOST="beta.localhost").get("/login/")
    assert alpha.status_code == beta.status_code == 200
    assert "Alpha Wealth" in alpha.content.decode() and "Beta Capital" not in alpha.content.decode()
    assert "Beta Capital" in beta.content.decode()


def test_password_sign_in_and_failure_limit(tenant_alpha, settings):
    investor = make_investor(tenant_alpha)
    browser = Client(HTTP_HOST="alpha.localhost")
    wrong = {"identifier": investor.user.email, "password": "not-the-password", "action": "password"}
    assert browser.post("/login/", wrong).status_code == 400
    ok = browser.post("/login/", {**wrong, "password": PASSWORD, "next": "/o/authorize/?x=1"})
    assert ok.status_code == 302 and ok["Location"] == "/o/authorize/?x=1"

    settings.LOGIN_MAX_FAILURES = 3
    other = Client(HTTP_HOST="alpha.localhost")
    for _ in range(3):
        assert other.post("/login/", wrong).status_code == 400
    blocked = other.post("/login/", {**wrong, "password": PASSWORD})
    assert blocked.status_code == 429


def test_open_redirects_are_ignored(tenant_alpha):
    investor = make_investor(tenant_alpha)
    browser = Client(HTTP_HOST="alpha.localhost")
    response = browser.post(
        "/login/",
        {"identifier": investor.user.email, "password": PASSWORD, "action": "password", "next": "https://evil.test/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_code_sign_in_with_a_mobile_number(tenant_alpha, django_capture_on_commit_callbacks):
    investor = make_investor(tenant_alpha, mobile="+919876501234")
    browser = Client(HTTP_HOST="alpha.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post("/login/", {"identifier": "98765 01234", "action": "send_code"})
    assert sent.status_code == 200
    assert "98765" not in sent.content.decode()  # the number is shown masked
    done = browser.post("/login/", {"code": otp_code_sent_to("+919876501234"), "action": "verify_code"})
    assert done.status_code == 302
    with tenant_context(tenant_alpha):
        assert int(browser.session["_auth_user_id"]) == investor.user.pk


def test_code_request_for_an_unknown_account_looks_the_same(tenant_alpha):
    browser = Client(HTTP_HOST="alpha.localhost")
    response = browser.post("/login/", {"identifier": "nobody@example.test", "action": "send_code"})
    assert response.status_code == 200
    assert "we have sent it a 6-digit code" in response.content.decode()
    assert browser.post("/login/", {"code": "123456", "action": "verify_code"}).status_code == 400


def test_discovery_and_jwks_per_tenant():
    alpha = Client(HTTP_HOST="alpha.localhost").get("/.well-known/openid-configuration").json()
    beta = Client(HTTP_HOST="beta.localhost").get("/.well-known/openid-configuration").json()
    assert alpha["issuer"] == "http://alpha.localhost" and beta["issuer"] == "http://beta.localhost"
    assert alpha["authorization_endpoint"] == "http://alpha.localhost/o/authorize/"
    assert alpha["code_challenge_methods_supported"] == ["S256"]
    assert alpha["response_types_supported"] == ["code"]
    assert "none" in alpha["token_endpoint_auth_methods_supported"]
    jwks = Client(HTTP_HOST="alpha.localhost").get("/.well-known/jwks.json").json()
    assert jwks["keys"] and jwks["keys"][0]["alg"] == "RS256" and "d" not in jwks["keys"][0]
    metadata = Client(HTTP_HOST="alpha.localhost").get("/.well-known/oauth-authorization-server").json()
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token"]


def test_onboarding_hook_made_each_distributor_a_public_pkce_client(tenant_alpha, tenant_beta):
    from apps.oauth.hooks import mobile_app_create_for_distributor

    alpha_app, beta_app = mobile_app(tenant_alpha), mobile_app(tenant_beta)
    assert alpha_app.client_type == "public" and alpha_app.authorization_grant_type == "authorization-code"
    assert alpha_app.redirect_uris == "alphaapp://oauth/callback"
    assert beta_app.redirect_uris == "betaapp://oauth/callback"
    assert alpha_app.client_id != beta_app.client_id
    with tenant_context(tenant_alpha):
        again = mobile_app_create_for_distributor(tenant_alpha)  # idempotent
    assert again == {
        "mobile_app_client_id": alpha_app.client_id,
        "mobile_app_redirect_uri": "alphaapp://oauth/callback",
    }


def test_beta_app_is_unknown_at_alpha(tenant_alpha, tenant_beta):
    investor = make_investor(tenant_alpha)
    browser = signed_in_client(tenant_alpha, investor.user)
    _, challenge = pkce_pair()
    response = authorize(browser, mobile_app(tenant_beta), challenge=challenge)
    assert response.status_code == 400
    assert not response.has_header("Location")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/me", "/api/v1/me/sessions", "/api/v1/register/otp", "/api/v1/me/nominees", "/api/v1/me/checklist"],
)
def test_endpoints_are_in_the_openapi_schema(path):
    response = Client(HTTP_HOST="alpha.localhost").get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert path in schema["paths"]
    assert "oauth2" in schema["components"]["securitySchemes"]


def test_bearer_authentication_costs_one_query(tenant_alpha):
    """Verifying a JWT is local; revocation costs one indexed lookup of the stored token (with its user)."""
    investor = make_investor(tenant_alpha)
    token = tokens_for(tenant_alpha, investor.user)["access_token"]
    request = Request(
        APIRequestFactory().get("/api/v1/me", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    )

    with tenant_context(tenant_alpha), CaptureQueriesContext(connection) as queries:
        user, access_token = JwtAccessTokenAuthentication().authenticate(request)
        assert user.email == investor.user.email  # the user came with the token: no second query

    # (django-tenants sets the search path before the first query in a schema; that is not a lookup)
    lookups = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(lookups) == 1, lookups
    assert '"oauth2_provider_accesstoken"' in lookups[0] and '"users_user"' in lookups[0]
    assert access_token.user_id == investor.user_id


def test_a_bearer_request_stays_within_its_query_budget(tenant_alpha, django_assert_max_num_queries):
    investor = make_investor(tenant_alpha)
    client = bearer(tokens_for(tenant_alpha, investor.user)["access_token"])
    client.get("/api/v1/me")  # warm the tenant lookup
    # the tenant's domain, the stored token with its user, the investor, and django-tenants' three
    # SET search_path statements around them
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/me").status_code == 200
