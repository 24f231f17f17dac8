"""Operations pages through the Django client: who may open them, accepting and overriding a
discrepancy (audited), the exchange identity page (owner only, password never shown), feed upload,
commission and its CSV; another tenant's ids answer 404."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.reconciliation.tests.conftest import cams_feed, cams_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def discrepancy(tenant_alpha):
    from apps.reconciliation.models import Discrepancy

    def make(tenant=tenant_alpha, cause="balance_differs", fix="review_ledger"):
        with tenant_context(tenant):
            return Discrepancy.objects.create(
                fingerprint=f"test:{cause}:{tenant.schema_name}", cause=cause, suggested_fix=fix, folio="111/1",
                detail="The registrar holds 10 units; we hold 9.", ours=Decimal(9), theirs=Decimal(10),
            )  # fmt: skip

    return make


def test_only_operations_and_owners_work_the_console(staff_client, tenant_alpha, discrepancy):
    discrepancy()
    assert staff_client(tenant_alpha, role="rm").get("/portal/operations/").status_code == 403
    assert staff_client(tenant_alpha, role="read_only").get("/portal/commission/").status_code == 403
    page = staff_client(tenant_alpha, role="operations").get("/portal/operations/")
    assert page.status_code == 200
    assert b"The registrar holds 10 units" in page.content and b"Gateway health" in page.content


def test_accept_and_override_are_audited_and_other_tenants_ids_are_404(
    staff_client, tenant_alpha, tenant_beta, discrepancy
):
    from apps.core.models import AuditLog
    from apps.reconciliation.models import Discrepancy

    ours, theirs = discrepancy(), discrepancy(tenant=tenant_beta)
    second = discrepancy(cause="missing_at_registrar", fix="query_registrar")
    client = staff_client(tenant_alpha, role="operations")
    # beta's discrepancy does not exist at alpha
    assert client.post(f"/portal/operations/discrepancies/{theirs.public_id}/", {"action": "accept"}).status_code == 404
    # an override needs a reason
    client.post(f"/portal/operations/discrepancies/{ours.public_id}/", {"action": "override", "reason": ""})
    with tenant_context(tenant_alpha):
        assert Discrepancy.objects.get(pk=ours.pk).status == "open"
    client.post(f"/portal/operations/discrepancies/{ours.public_id}/",
                {"action": "override", "reason": "Registrar confirmed a pending transfer"})  # fmt: skip
    client.post(f"/portal/operations/discrepancies/{second.public_id}/", {"action": "accept"})
    with tenant_context(tenant_alpha):
        ours.refresh_from_db()
        second.refresh_from_db()
        assert (ours.status, ours.resolution, ours.resolved_by_id) == (
            "overridden", "Registrar confirmed a pending transfer", client.member.user_id,
        )  # fmt: skip
        assert second.status == "accepted"
        actions = set(
            AuditLog.objects.filter(target_type="reconciliation.Discrepancy").values_list("action", flat=True)
        )
        assert actions == {"reconciliation.discrepancy.overridden", "reconciliation.discrepancy.accepted"}
    with tenant_context(tenant_beta):
        assert Discrepancy.objects.get(pk=theirs.pk).status == "open"


def test_exchange_settings_are_the_owners_and_never_show_the_password(staff_client, tenant_alpha):
    from apps.orders.models import GatewayRouting

    assert staff_client(tenant_alpha, role="admin").get("/portal/settings/exchange/").status_code == 403
    owner = staff_client(tenant_alpha, role="owner")
    response = owner.post("/portal/settings/exchange/", {
        "gateway": "bse_starmf", "account_id": "10234", "login_id": "1023403", "password": "Rotated-Secret-1",
        "primary_for": ["purchase", "redemption"], "action": "save",
    })  # fmt: skip
    assert response.status_code == 302
    page = owner.get("/portal/settings/exchange/")
    assert b"1023403" in page.content and b"Rotated-Secret-1" not in page.content
    with tenant_context(tenant_alpha):
        routing = GatewayRouting.objects.get()
        assert routing.bse_user_id == "1023403" and "Rotated-Secret-1" not in routing.bse_password_encrypted
    # a bad member code is refused with its reason, nothing saved
    bad = owner.post("/portal/settings/exchange/", {"gateway": "bse_starmf", "account_id": "12AB",
                                                     "login_id": "12AB01", "action": "save"})  # fmt: skip
    assert bad.status_code == 400 and b"member code" in bad.content


def test_feed_upload_and_commission_with_csv(staff_client, tenant_alpha):
    from apps.reconciliation.models import RtaFeed

    client = staff_client(tenant_alpha, role="operations")
    today = timezone.localdate()
    feed = cams_feed([
        cams_row(txn_no="7001", units=Decimal("10.0000"), amount=Decimal("1000.00"), trade_date=today,
                 BROKCOMM=Decimal("12.50"), EUIN="E765432"),
        cams_row(txn_no="7002", units=Decimal("5.0000"), amount=Decimal("500.00"), trade_date=today,
                 BROKCOMM=Decimal("6.25"), EUIN="E765432"),
    ], form="csv")  # fmt: skip
    response = client.post("/portal/operations/feeds/", {"feed": SimpleUploadedFile("WBR2.csv", feed)})
    assert response.status_code == 302
    page = SimpleUploadedFile("x.html", b"<html><body>moved</body></html>")
    refused = client.post("/portal/operations/feeds/", {"feed": page}, follow=True)
    assert b"refused" in refused.content
    with tenant_context(tenant_alpha):
        assert RtaFeed.objects.count() == 1
    page = client.get("/portal/commission/", {"months": 1})
    assert page.status_code == 200 and b"E765432" in page.content and b"18.75" in page.content
    csv = client.get("/portal/commission/export.csv", {"months": 1})
    lines = csv.content.decode().strip().splitlines()
    assert lines[0] == "month,amc,scheme,euin,transactions,amount,brokerage"
    assert lines[1].endswith(",E765432,2,1500.00,18.75")


def test_a_stuck_order_is_resolved_with_a_reason_and_another_tenants_order_is_404(
    staff_client, tenant_alpha, tenant_beta
):
    from apps.core.models import AuditLog
    from apps.funds.models import Scheme
    from apps.orders.models import Order, OutboxMessage
    from apps.reconciliation.tests.conftest import order_make
    from tests.factories import make_investor

    scheme = Scheme.objects.create(amfi_code="981101", name="Ops Test Fund")
    investor, outsider = make_investor(tenant_alpha), make_investor(tenant_beta)
    with tenant_context(tenant_alpha):
        stuck = order_make(investor, scheme, status="unknown", amount=Decimal("1000.00"))
        OutboxMessage.objects.create(kind="order_submit", order=stuck, available_at=timezone.now())
    with tenant_context(tenant_beta):
        theirs = order_make(outsider, scheme, status="unknown", amount=Decimal("1000.00"))
    client = staff_client(tenant_alpha, role="operations")
    console = client.get("/portal/operations/")
    assert stuck.client_ref.encode() in console.content and theirs.client_ref.encode() not in console.content
    assert client.get(f"/portal/operations/orders/{theirs.public_id}/").status_code == 404
    assert client.post(f"/portal/operations/orders/{theirs.public_id}/act/", {"action": "resolve"}).status_code == 404
    # a reason is required
    client.post(f"/portal/operations/orders/{stuck.public_id}/act/", {"action": "resolve", "reason": "no"})
    with tenant_context(tenant_alpha):
        assert Order.objects.get(pk=stuck.pk).status == "unknown"
    client.post(f"/portal/operations/orders/{stuck.public_id}/act/",
                {"action": "resolve", "reason": "BSE confirmed by phone it never received it"})  # fmt: skip
    with tenant_context(tenant_alpha):
        stuck.refresh_from_db()
        assert (stuck.status, stuck.failure_code) == ("failed", "resolved_by_operations")
        assert OutboxMessage.objects.get(order=stuck).status == "dead"
        assert AuditLog.objects.filter(action="orders.order.resolved", target_id=str(stuck.pk)).exists()
    with tenant_context(tenant_beta):
        assert Order.objects.get(pk=theirs.pk).status == "unknown"
