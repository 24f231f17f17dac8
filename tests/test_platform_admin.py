"""The platform admin on the public host: distributors, suspend/activate, and each distributor's gateway
audit log (read-only, from that distributor's own schema)."""

import pytest
from django_tenants.utils import schema_context, tenant_context

from apps.core.models import AuditLog
from apps.orders.models import GatewayCall
from apps.users.models import User
from tenants.models import Distributor


@pytest.fixture
def platform_admin(client, db):
    with schema_context("public"):
        admin = User.objects.get(email="admin@platform.localhost")
    client.force_login(admin)
    return client


def test_admin_lists_distributors_and_suspends_one_after_confirming_with_a_reason(platform_admin):
    changelist = platform_admin.get("/admin/tenants/distributor/", HTTP_HOST="localhost")
    assert changelist.status_code == 200
    assert b"Alpha Wealth" in changelist.content and b"Beta Capital" in changelist.content
    beta = Distributor.objects.get(schema_name="beta")
    chosen = {"action": "suspend", "_selected_action": [beta.pk]}

    # the action first asks; nothing is suspended yet
    asked = platform_admin.post("/admin/tenants/distributor/", chosen, HTTP_HOST="localhost")
    assert asked.status_code == 200 and b"Suspend 1 distributor?" in asked.content
    assert Distributor.objects.get(pk=beta.pk).status == "active"

    # confirming without a reason is refused beside the field
    no_reason = platform_admin.post(
        "/admin/tenants/distributor/", {**chosen, "confirm": "yes", "reason": " "}, HTTP_HOST="localhost"
    )
    assert no_reason.status_code == 400 and b"Say why" in no_reason.content
    assert Distributor.objects.get(pk=beta.pk).status == "active"

    response = platform_admin.post(
        "/admin/tenants/distributor/",
        {**chosen, "confirm": "yes", "reason": "Unpaid invoice for October"},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    beta = Distributor.objects.get(pk=beta.pk)
    assert beta.status == "suspended" and beta.suspension_reason == "Unpaid invoice for October"
    assert beta.suspended_at is not None
    audit = AuditLog.objects.filter(action="distributor.suspended", target_id=str(beta.pk)).latest("created_at")
    assert audit.extra["reason"] == "Unpaid invoice for October"
    shown = platform_admin.get(f"/admin/tenants/distributor/{beta.pk}/change/", HTTP_HOST="localhost")
    assert b"Unpaid invoice for October" in shown.content


def test_gateway_calls_are_shown_per_distributor_and_read_only(platform_admin, tenant_alpha, tenant_beta):
    with tenant_context(tenant_alpha):
        GatewayCall.objects.create(
            gateway="bse_starmf",
            operation="orderEntryParam",
            reference="2026112410000100001",
            request={"ClientCode": "XXXXX1234X"},
            response="NEW|...|0",
            latency_ms=42,
            outcome="ok",
        )
    alpha_page = platform_admin.get(
        f"/admin/tenants/distributor/{tenant_alpha.pk}/gateway-calls/", HTTP_HOST="localhost"
    )
    beta_page = platform_admin.get(f"/admin/tenants/distributor/{tenant_beta.pk}/gateway-calls/", HTTP_HOST="localhost")
    assert alpha_page.status_code == beta_page.status_code == 200
    assert b"2026112410000100001" in alpha_page.content and b"orderEntryParam" in alpha_page.content
    assert b"2026112410000100001" not in beta_page.content
    assert b"<form" not in alpha_page.content.split(b'id="content"')[-1]


def test_gateway_calls_need_a_platform_admin(client, tenant_alpha):
    response = client.get(f"/admin/tenants/distributor/{tenant_alpha.pk}/gateway-calls/", HTTP_HOST="localhost")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # and a distributor's host has no admin at all
    assert client.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 404
