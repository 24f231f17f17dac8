"""Per-distributor feature flags: the plan's features are the defaults, platform staff switch a feature
for one distributor in the admin (and back to the plan), and a feature that is off is refused where it is
used: the family API, the investor web order pages and MF Utilities as an order gateway."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context, tenant_context
from rest_framework.test import APIClient

from apps.core.models import AuditLog
from apps.users.models import User
from tenants.flags import feature_is_active
from tenants.models import Plan
from tests.clients import platform_admin_signed_in, signed_in_client
from tests.factories import PASSWORD, make_investor, make_staff

pytestmark = pytest.mark.django_db

FAMILY_API = "/api/v1/portfolio/family"
WEB_ORDER = "/web/orders/new/"


@pytest.fixture
def platform_admin(client):
    with schema_context("public"):
        admin = User.objects.get(email="admin@platform.localhost")
    return platform_admin_signed_in(client, admin)


def _on_plan(distributor, **features):
    plan = Plan.objects.create(code=f"plan-{distributor.schema_name}", name="Test plan", features=features)
    distributor.plan = plan
    distributor.save(update_fields=["plan"])


@pytest.fixture
def switch(platform_admin, django_capture_on_commit_callbacks):
    def post(distributor, feature, state):
        page = f"/admin/tenants/distributor/{distributor.pk}/features/"
        with django_capture_on_commit_callbacks(execute=True):
            response = platform_admin.post(page, {"feature": feature, "state": state}, HTTP_HOST="localhost")
        assert response.status_code == 302 and response.url == page

    return post


def test_the_plan_decides_until_staff_switch_a_feature(
    platform_admin, switch, tenant_alpha, tenant_beta, alpha_api, beta_api
):
    # given alpha's plan without family view, and beta with no plan (the feature's default: on)
    _on_plan(tenant_alpha, family_view=False)
    refused = alpha_api.get(FAMILY_API)
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "feature_disabled",
        "message": "Family view (linked family portfolios) is not available for this distributor.",
        "extra": {"feature": "family_view"},
    }
    assert beta_api.get(FAMILY_API).json().get("code") != "feature_disabled"

    # when platform staff switch it on for alpha only
    switch(tenant_alpha, "family_view", "on")
    # then alpha serves it (the investor still has to sign in) and the admin says where the state comes from
    assert alpha_api.get(FAMILY_API).json().get("code") != "feature_disabled"
    page = platform_admin.get(f"/admin/tenants/distributor/{tenant_alpha.pk}/features/", HTTP_HOST="localhost")
    assert b'data-feature="family_view">on' in page.content and b"switched here" in page.content

    # when they switch it off for beta, alpha is untouched
    switch(tenant_beta, "family_view", "off")
    assert beta_api.get(FAMILY_API).status_code == 403
    assert alpha_api.get(FAMILY_API).json().get("code") != "feature_disabled"

    # and back to the plan: alpha's plan says off again
    switch(tenant_alpha, "family_view", "plan")
    assert alpha_api.get(FAMILY_API).status_code == 403
    with tenant_context(tenant_alpha):
        assert not feature_is_active(name="family_view")
    actions = AuditLog.objects.filter(action="feature.set").values_list("extra", flat=True)
    assert {"feature": "family_view", "state": "plan"} in list(actions)


def test_unknown_features_and_states_change_nothing(platform_admin, tenant_alpha):
    response = platform_admin.post(
        f"/admin/tenants/distributor/{tenant_alpha.pk}/features/",
        {"feature": "family_view", "state": "maybe"},
        HTTP_HOST="localhost",
        follow=True,
    )
    assert b"Unknown state" in response.content
    with tenant_context(tenant_alpha):
        from waffle.models import Flag

        assert not Flag.objects.exists()


def test_web_ordering_off_hides_the_order_pages(switch, tenant_alpha):
    client = Client()  # the investor's browser, not the platform admin's
    assert client.get(WEB_ORDER, HTTP_HOST="alpha.localhost").status_code != 404
    switch(tenant_alpha, "web_ordering", "off")
    assert client.get(WEB_ORDER, HTTP_HOST="alpha.localhost").status_code == 404
    # the rest of the investor pages stay
    assert client.get("/web/", HTTP_HOST="alpha.localhost").status_code != 404


def test_mfu_off_is_never_chosen_by_the_router(tenant_alpha):
    from apps.orders.gateways.registry import routing_get
    from apps.orders.gateways.router import route_for

    with tenant_context(tenant_alpha):
        routing = routing_get()
        routing.primary, routing.default_gateway, routing.fallback_enabled = {}, "mfu", True
        routing.save()
        assert route_for("purchase").gateway == "mfu"
    _on_plan(tenant_alpha, mfu=False)
    with tenant_context(tenant_alpha):
        assert route_for("purchase").gateway == "bse_starmf"


def test_goals_off_hides_the_goals_api_pages_and_links(switch, tenant_alpha):
    investor = make_investor(tenant_alpha)
    owner = make_staff(tenant_alpha, role="owner")
    api = APIClient(HTTP_HOST="alpha.localhost")
    api.force_authenticate(investor.user)
    web = signed_in_client(tenant_alpha, investor.user)
    portal = Client(HTTP_HOST="alpha.localhost")
    assert portal.post("/portal/login/", {"email": owner.user.email, "password": PASSWORD}).status_code == 302
    investor_page = f"/portal/investors/{investor.public_id}/"
    assert api.get("/api/v1/goals").status_code == 200
    assert b"/web/goals/" in web.get("/web/").content
    assert b"investor-goals-link" in portal.get(investor_page).content

    switch(tenant_alpha, "goals", "off")

    refused = api.get("/api/v1/goals")
    assert refused.status_code == 403 and refused.json()["code"] == "feature_disabled"
    assert web.get("/web/goals/").status_code == 404
    assert portal.get(f"{investor_page}goals/").status_code == 404
    # and no page links to them
    assert b"/web/goals/" not in web.get("/web/").content
    assert b"investor-goals-link" not in portal.get(investor_page).content
