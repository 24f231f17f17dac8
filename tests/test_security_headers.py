"""Response headers: a nonce-based CSP on HTML pages, Permissions-Policy and Referrer-Policy everywhere,
no-store on API responses, HSTS preload only on the platform's own domain, vendored API docs, RS256-only
ID tokens in OIDC discovery."""

import re

import pytest
from django.test import Client

NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")


def _csp(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives if d[0]}


@pytest.mark.parametrize("path", ["/", "/login/", "/portal/login/"])
def test_html_pages_carry_a_nonce_csp_and_every_inline_block_uses_it(tenant_alpha, path):
    response = Client(HTTP_HOST="alpha.localhost").get(path)
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-inline'" not in csp["style-src"]
    nonce = NONCE_IN_HEADER.search(csp["script-src"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the branded pages have an inline brand-colour style block"
    for tag, attributes in inline:
        assert f'nonce="{nonce}"' in attributes, (tag, attributes)


def test_each_response_has_its_own_nonce(tenant_alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    first, second = (NONCE_IN_HEADER.search(client.get("/login/")["Content-Security-Policy"]) for _ in range(2))
    assert first.group(1) != second.group(1)


def test_permissions_and_referrer_policy_on_every_response(tenant_alpha):
    for response in (Client(HTTP_HOST="alpha.localhost").get("/login/"), Client().get("/healthz")):
        assert "camera=()" in response["Permissions-Policy"]
    assert Client(HTTP_HOST="alpha.localhost").get("/login/")["Referrer-Policy"] == "same-origin"


def test_api_responses_are_not_stored_unless_the_view_chose_caching(alpha_api):
    from tenants.models import Distributor
    from tests.factories import make_investor

    investor = make_investor(Distributor.objects.get(schema_name="alpha"))
    alpha_api.force_authenticate(investor.user)
    assert alpha_api.get("/api/v1/me")["Cache-Control"] == "no-store"
    assert alpha_api.get("/api/v1/orders")["Cache-Control"] == "no-store"
    assert alpha_api.get("/api/v1/nope")["Cache-Control"] == "no-store"
    # a public, deliberately cacheable document keeps its own policy
    assert alpha_api.get("/api/v1/branding")["Cache-Control"] == "public, max-age=300"


def test_hsts_preload_only_on_the_platform_domain(tenant_alpha, settings):
    from tenants.models import Domain

    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = False
    Domain.objects.create(domain="invest.alpha-wealth.test", tenant=tenant_alpha, is_primary=False)

    platform = Client(HTTP_HOST="alpha.localhost").get("/login/", secure=True)
    own_domain = Client(HTTP_HOST="invest.alpha-wealth.test").get("/login/", secure=True)

    assert platform["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert own_domain["Strict-Transport-Security"] == "max-age=31536000"


def test_api_docs_are_served_from_our_own_static_files(tenant_alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
        assert "cdn" not in html.lower()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_oidc_discovery_offers_rs256_id_tokens_only(tenant_alpha):
    document = Client(HTTP_HOST="alpha.localhost").get("/.well-known/openid-configuration").json()
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["jwks_uri"].endswith("/.well-known/jwks.json")
