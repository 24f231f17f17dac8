"""Each distributor trades under its own exchange identity: its member id, ARN and the adviser's EUIN
reach the BSE sandbox; a distributor without an identity sends nothing; none can take another's."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from tests.factories import make_investor
from tests.messages import otp_code_sent_to as otp_code_for

pytestmark = pytest.mark.live


def _confirmed_purchase(investor, scheme, *, host="alpha.localhost"):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(investor.user)
    response = client.post(
        "/api/v1/orders", {"kind": "purchase", "scheme": scheme.amfi_code, "amount": "2500.00"},
        format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    order_id = response.json()["id"]
    response = client.post(f"/api/v1/orders/{order_id}/confirm", {"code": otp_code_for(investor.mobile)}, format="json")
    assert response.status_code == 200, response.json()
    return order_id


def _adviser(tenant, euin):
    from apps.accounts.models import StaffMember
    from apps.users.models import User

    with tenant_context(tenant):
        user = User.objects.create_user(email=f"rm-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12)
        return StaffMember.objects.create(user=user, role="rm", euin=euin)


def test_order_to_bse_sandbox_carries_the_distributors_member_id_arn_and_the_advisers_euin(
    sandbox_gateways, live_alpha, live_beta, funds
):
    from apps.orders.models import GatewayCall, Order
    from apps.sandbox.faults import fault_plan
    from apps.sandbox.models import BseOrder

    # given an investor of alpha advised by an RM with an EUIN, and one of beta with none (execution-only)
    investor = make_investor(live_alpha, ready_to_invest=True)
    rm = _adviser(live_alpha, "E123456")
    with tenant_context(live_alpha):
        investor.relationship_manager = rm
        investor.save(update_fields=["relationship_manager"])
    other = make_investor(live_beta, ready_to_invest=True)
    # a no-op fault that only fires when the sandbox's raw SOAP request carries alpha's ARN
    arn_seen = fault_plan(target="bse", kind="latency", operation="orderEntryParam", match=">ARN-100001<")

    # when each places a purchase
    alpha_order = _confirmed_purchase(investor, funds["equity"])
    beta_order = _confirmed_purchase(other, funds["equity"], host="beta.localhost")

    # then alpha's order reached the sandbox under alpha's member id, ARN and the RM's EUIN
    with tenant_context(live_alpha):
        order = Order.objects.get(public_id=alpha_order)
        sent = GatewayCall.objects.get(order=order, operation="MFOrder.orderEntryParam").request
    assert BseOrder.objects.get(ref_no=order.client_ref).member_id == "10234"
    arn_seen.refresh_from_db()
    assert arn_seen.fired == 1
    assert (sent["MemberId"], sent["UserID"], sent["Param2"]) == ("10234", "1023401", "ARN-100001")
    assert (sent["EUIN"], sent["EUINVal"]) == ("E123456", "N")
    # and beta's under beta's own, execution-only
    with tenant_context(live_beta):
        order = Order.objects.get(public_id=beta_order)
        sent = GatewayCall.objects.get(order=order, operation="MFOrder.orderEntryParam").request
    assert BseOrder.objects.get(ref_no=order.client_ref).member_id == "20468"
    assert (sent["MemberId"], sent["Param2"], sent["EUIN"], sent["EUINVal"]) == ("20468", "ARN-200002", "", "Y")


def test_a_distributor_without_its_identity_sends_nothing(sandbox_gateways, live_alpha, funds):
    from apps.orders.models import GatewayCall, GatewayRouting, Order, OutboxMessage

    investor = make_investor(live_alpha, ready_to_invest=True)
    with tenant_context(live_alpha):
        routing = GatewayRouting.objects.get()
        saved = routing.bse_password_encrypted
        GatewayRouting.objects.update(bse_password_encrypted="")
    try:
        order_id = _confirmed_purchase(investor, funds["equity"])
        with tenant_context(live_alpha):
            order = Order.objects.get(public_id=order_id)
            assert (order.status, order.failure_code) == ("failed", "identity_missing")
            assert not GatewayCall.objects.filter(order=order).exists()
            assert OutboxMessage.objects.get(order=order).attempts == 1
    finally:
        with tenant_context(live_alpha):
            GatewayRouting.objects.update(bse_password_encrypted=saved)


def test_configure_gateway_encrypts_rotates_and_tests_the_login(sandbox_gateways, live_alpha, monkeypatch, settings):
    from apps.core.models import AuditLog
    from apps.orders.models import GatewayRouting

    with tenant_context(live_alpha):
        before = GatewayRouting.objects.get()
    try:
        # a wrong password is stored, and the login test says the exchange refused it
        monkeypatch.setenv("ALPHA_BSE_PASSWORD", "not-the-password")
        with pytest.raises(CommandError, match="refused the login"):
            call_command("configure_gateway", "alpha", "--gateway", "bse_starmf", "--member-id", "10234",
                         "--user-id", "1023402", "--password-env", "ALPHA_BSE_PASSWORD", "--test")  # fmt: skip
        # the right one (rotation) signs in
        monkeypatch.setenv("ALPHA_BSE_PASSWORD", settings.SANDBOX_BSE_PASSWORD)
        call_command("configure_gateway", "alpha", "--gateway", "bse_starmf", "--member-id", "10234",
                     "--user-id", "1023402", "--password-env", "ALPHA_BSE_PASSWORD", "--test",
                     "--primary-for", "purchase,redemption")  # fmt: skip
        with tenant_context(live_alpha):
            routing = GatewayRouting.objects.get()
            assert routing.bse_user_id == "1023402"
            assert settings.SANDBOX_BSE_PASSWORD not in routing.bse_password_encrypted
            assert routing.primary["purchase"] == "bse_starmf"
            tests = list(
                AuditLog.objects.filter(action="orders.exchange_identity.tested").values_list("extra", flat=True)[:2]
            )
            assert [t["ok"] for t in tests] == [True, False]
            assert all(settings.SANDBOX_BSE_PASSWORD not in str(row.extra) for row in AuditLog.objects.all()[:20])
        # another distributor cannot take live_alpha's member code
        monkeypatch.setenv("BETA_BSE_PASSWORD", settings.SANDBOX_BSE_PASSWORD)
        with pytest.raises(CommandError, match="another distributor"):
            call_command("configure_gateway", "beta", "--gateway", "bse_starmf", "--member-id", "10234",
                         "--user-id", "1023409", "--password-env", "BETA_BSE_PASSWORD")  # fmt: skip
    finally:
        with tenant_context(live_alpha):
            GatewayRouting.objects.filter(pk=before.pk).update(
                bse_user_id=before.bse_user_id, bse_password_encrypted=before.bse_password_encrypted,
                primary=before.primary,
            )  # fmt: skip
