"""Host routing: each distributor's host shows its brand; suspended hosts answer 503, unknown hosts 404."""

import pytest

from tenants.services import distributor_suspend


def test_branding_endpoint_differs_between_distributors(alpha_api, beta_api):
    alpha = alpha_api.get("/api/v1/branding")
    beta = beta_api.get("/api/v1/branding")
    assert alpha.status_code == beta.status_code == 200
    assert alpha.json()["display_name"] == "Alpha Wealth"
    assert beta.json()["display_name"] == "Beta Capital"
    assert alpha.json()["primary_color"] != beta.json()["primary_color"]
    assert set(alpha.json()) == {
        "display_name",
        "primary_color",
        "accent_color",
        "logo_url",
        "support_email",
        "support_phone",
    }
    assert "public" in alpha["Cache-Control"]


def test_every_page_carries_the_hosts_brand(client, db):
    alpha = client.get("/", HTTP_HOST="alpha.localhost")
    beta = client.get("/", HTTP_HOST="beta.localhost")
    assert b"Alpha Wealth" in alpha.content and b"#0B3D91" in alpha.content
    assert b"Beta Capital" in beta.content and b"#1B5E20" in beta.content
    assert b"Alpha" not in beta.content


def test_unknown_host_gets_404(client, db):
    assert client.get("/", HTTP_HOST="nobody.localhost").status_code == 404
    assert client.get("/api/v1/branding", HTTP_HOST="nobody.localhost").status_code == 404


def test_public_host_has_no_tenant_api(public_api):
    assert public_api.get("/api/v1/branding").status_code == 404


@pytest.mark.parametrize("path", ["/", "/api/v1/branding", "/portal/"])
def test_suspended_distributor_answers_503_with_a_clear_message(client, db, path):
    distributor_suspend(schema_name="beta")
    response = client.get(path, HTTP_HOST="beta.localhost")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"temporarily unavailable" in response.content
    if path.startswith("/api/"):
        assert response.json()["code"] == "distributor_suspended"
    # the other distributor is untouched
    assert client.get(path if path != "/portal/" else "/", HTTP_HOST="alpha.localhost").status_code != 503


def test_per_tenant_template_override_wins(client, db, tenant_template_dirs):
    (tenant_template_dirs / "alpha" / "templates" / "tenants").mkdir(parents=True)
    (tenant_template_dirs / "alpha" / "templates" / "tenants" / "home.html").write_text("alpha's own home page")
    assert client.get("/", HTTP_HOST="alpha.localhost").content == b"alpha's own home page"
    assert b"Beta Capital" in client.get("/", HTTP_HOST="beta.localhost").content
