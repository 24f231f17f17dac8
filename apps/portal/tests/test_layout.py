"""The portal's layout: per-tenant template overrides, brand colours with readable text, labelled forms."""

import re

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client

from apps.portal.templatetags.portal_tags import inr, percent
from tenants.colours import contrast_ratio, readable_text_on

pytestmark = pytest.mark.django_db


def test_configured_override_path_is_tenants_schema_templates():
    assert [str(settings.BASE_DIR / "tenants" / "%s" / "templates")] == settings.MULTITENANT_TEMPLATE_DIRS


def test_a_tenant_template_override_wins_for_that_tenant_only(tenant_template_dirs):
    override = tenant_template_dirs / "alpha" / "templates" / "portal" / "login.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "portal/_layout.html" %}{% block portal_content %}<h1>Alpha\'s own sign-in page</h1>{% endblock %}'
    )

    alpha = Client(HTTP_HOST="alpha.localhost").get("/portal/login/")
    beta = Client(HTTP_HOST="beta.localhost").get("/portal/login/")

    assert b"Alpha's own sign-in page" in alpha.content
    assert b"Alpha Wealth" in alpha.content  # still inside the branded layout
    assert b"own sign-in page" not in beta.content
    assert b"Staff sign-in" in beta.content


def test_distributors_without_overrides_share_one_compiled_template(tenant_template_dirs):
    # given: alpha has a template directory of its own (empty), beta has none
    (tenant_template_dirs / "alpha" / "templates").mkdir(parents=True)
    for host in ("alpha.localhost", "beta.localhost"):
        assert Client(HTTP_HOST=host).get("/portal/login/").status_code == 200
    # then: beta's page came from the shared cache; alpha's templates are cached under its schema
    keys = list(engines["django"].engine.template_loaders[0].get_template_cache)
    assert "portal/login.html" in keys and "alpha-portal/login.html" in keys
    assert not any(key.startswith("beta-") for key in keys)


def test_brand_colours_and_readable_text_reach_the_page(tenant_alpha):
    page = Client(HTTP_HOST="alpha.localhost").get("/portal/login/").content.decode()
    branding = tenant_alpha.branding
    assert f"--brand-primary: {branding.primary_color}" in page
    assert f"--on-primary: {readable_text_on(branding.primary_color)}" in page
    assert f"--on-accent: {readable_text_on(branding.accent_color)}" in page


@pytest.mark.parametrize(
    "background", ["#0B3D91", "#FF8C00", "#1B5E20", "#8E24AA", "#FFEB3B", "#000000", "#FFFFFF", "#777777", "#808080"]
)
def test_text_colour_on_any_brand_colour_is_readable(background):
    # the better of white and #111 is at worst about 4.35:1 (on a mid-grey), WCAG AA for large text
    # and close to it for body text; the brand's primary colour is held to 4.5:1 with white
    assert contrast_ratio(background, readable_text_on(background)) >= 4.3


def test_every_input_on_the_sign_in_page_has_a_label():
    page = Client(HTTP_HOST="alpha.localhost").get("/portal/login/").content.decode()
    ids = re.findall(r'<input[^>]*type="(?:email|password|text)"[^>]*id="([^"]+)"', page)
    assert ids
    for input_id in ids:
        assert f'<label for="{input_id}">' in page
    assert 'class="skip-link"' in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345678.9", "₹1,23,45,678.90"),
        ("999", "₹999.00"),
        ("100000", "₹1,00,000.00"),
        ("-2500.5", "-₹2,500.50"),
        (None, "—"),
    ],
)
def test_rupees_use_indian_grouping(value, expected):
    assert inr(value) == expected


def test_percent():
    assert percent("0.12345") == "12.35 %"
