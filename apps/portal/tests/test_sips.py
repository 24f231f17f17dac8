"""SIPs in the portal: staff start one on an investor's behalf (it waits for the investor's OTP), the SIP
book with next debits, paid / missed counts and the due-this-week filter, a SIP's page with cancellation,
relationship managers kept to their own investors, and the dashboard's SIP figures."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.orders.tests.test_sip_instalments import with_instalments
from apps.web.tests.test_sips import mandate_for, sip_form, sip_scheme
from tests.factories import make_investor, make_sip, make_staff

pytestmark = pytest.mark.django_db


def test_staff_start_a_sip_on_behalf_that_waits_for_the_investors_otp(staff_client, tenant_alpha):
    from apps.core.models import AuditLog
    from apps.orders.models import OutboxMessage, SipRegistration

    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True, full_name="Behalf Saver")
    scheme = sip_scheme(name="Portal Picker Large Cap Fund - Direct Plan - Growth")
    mandate = mandate_for(tenant_alpha, investor)
    detail = client.get(f"/portal/investors/{investor.public_id}/").content.decode()
    start = f"/portal/investors/{investor.public_id}/sips/new/"
    assert start in detail

    # the picker finds the scheme, then the form is for it
    picker = client.get(start, {"q": "portal picker large"})
    assert [s.pk for s in picker.context["picks"]] == [scheme.pk]
    url = f"{start}?scheme={scheme.amfi_code}"
    form = client.get(url)
    assert form.status_code == 200 and "bank_account" not in form.context["form"].fields  # staff pick a mandate
    response = client.post(url, sip_form(mandate=str(mandate.public_id), amount="3000"))

    with tenant_context(tenant_alpha):
        sip = SipRegistration.objects.get(investor=investor)
        assert sip.status == "pending_otp" and sip.placed_by_id == client.member.user_id
        assert sip.amount == Decimal("3000.00") and sip.otp_challenge_id is not None
        assert not OutboxMessage.objects.filter(sip=sip).exists()
        assert AuditLog.objects.filter(action="orders.sip.created", target_id=str(sip.pk)).exists()
    assert response.status_code == 302 and response["Location"] == f"/portal/sips/{sip.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the investor&#x27;s OTP" in page and "(staff)" in page


def test_without_a_registered_mandate_staff_cannot_start_one(staff_client, tenant_alpha):
    from apps.orders.models import SipRegistration

    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = sip_scheme()
    url = f"/portal/investors/{investor.public_id}/sips/new/?scheme={scheme.amfi_code}"

    page = client.get(url)
    assert b'data-testid="no-mandate"' in page.content
    response = client.post(url, sip_form(mandate="new"))
    assert response.status_code == 400 and "mandate" in response.context["form"].errors
    with tenant_context(tenant_alpha):
        assert not SipRegistration.objects.filter(investor=investor).exists()


def test_rms_reach_only_their_own_investors_sips(staff_client, tenant_alpha, tenant_beta):
    from apps.orders.models import SipRegistration

    rm = staff_client(tenant_alpha, role="rm")
    other_rm = make_staff(tenant_alpha, role="rm")
    theirs = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=other_rm)
    mine = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=rm.member)
    scheme = sip_scheme()
    their_sip = make_sip(tenant_alpha, theirs, scheme)
    my_sip = make_sip(tenant_alpha, mine, scheme)
    their_mandate = mandate_for(tenant_alpha, theirs)
    data = sip_form(mandate=str(their_mandate.public_id))

    assert rm.get(f"/portal/sips/{their_sip.public_id}/").status_code == 404
    assert rm.post(f"/portal/sips/{their_sip.public_id}/", {"reason": "x", "confirm": "on"}).status_code == 404
    assert rm.get(f"/portal/investors/{theirs.public_id}/sips/new/?scheme={scheme.amfi_code}").status_code == 404
    assert rm.post(f"/portal/investors/{theirs.public_id}/sips/new/?scheme={scheme.amfi_code}", data).status_code == 404
    assert rm.get(f"/portal/sips/{my_sip.public_id}/").status_code == 200
    assert [s.pk for s in rm.get("/portal/sips/").context["page"]] == [my_sip.pk]
    assert rm.get("/portal/sips/not-a-uuid/").status_code == 404

    beta = staff_client(tenant_beta, role="owner")
    assert beta.get(f"/portal/sips/{my_sip.public_id}/").status_code == 404
    with tenant_context(tenant_alpha):
        assert SipRegistration.objects.filter(investor=theirs).count() == 1
        their_sip.refresh_from_db()
        assert their_sip.status == "active"


def test_staff_stop_a_sip_with_a_reason_and_read_only_staff_cannot(staff_client, tenant_alpha):
    from apps.core.models import AuditLog

    owner = staff_client(tenant_alpha, role="owner")
    viewer = staff_client(tenant_alpha, role="read_only")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    sip = make_sip(tenant_alpha, investor, sip_scheme(), status="pending_otp")
    url = f"/portal/sips/{sip.public_id}/"

    assert b"portal-sip-cancel-form" not in viewer.get(url).content
    assert viewer.post(url, {"reason": "no", "confirm": "on"}).status_code == 403
    missing = owner.post(url, {"reason": "", "confirm": ""})
    assert missing.status_code == 400 and "Tell us why" in missing.content.decode()
    assert owner.post(url, {"reason": "Investor asked by phone", "confirm": "on"}).status_code == 302
    with tenant_context(tenant_alpha):
        sip.refresh_from_db()
        assert sip.status == "cancelled"
        assert AuditLog.objects.get(action="orders.sip.cancel", target_id=str(sip.pk)).extra["reason"] == (
            "Investor asked by phone"
        )


def test_sip_book_shows_next_debits_paid_and_missed_and_filters_due_this_week(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="admin")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = sip_scheme()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    due_now = with_instalments(
        tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=monday, frequency="WEEKLY", instalments=2)
    )
    later = with_instalments(
        tenant_alpha,
        make_sip(tenant_alpha, investor, scheme, start_date=monday - timedelta(days=14), frequency="WEEKLY",
                 instalments=4),
        ["successful", "missed", "scheduled", "scheduled"],
    )  # fmt: skip

    page = client.get("/portal/sips/")
    rows = {s.pk: s for s in page.context["page"]}
    assert (rows[later.pk].paid_count, rows[later.pk].missed_count) == (1, 1)
    assert rows[due_now.pk].next_due == monday and rows[due_now.pk].next_debit >= monday
    assert f"/portal/sips/{due_now.public_id}/" in page.content.decode()
    # the third instalment of `later` falls due this Monday too; a SIP due only next week is left out
    nextweek = with_instalments(
        tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=monday + timedelta(days=7),
                               frequency="WEEKLY", instalments=1)
    )  # fmt: skip
    due = {s.pk for s in client.get("/portal/sips/", {"due": "week"}).context["page"]}
    assert due == {due_now.pk, later.pk} and nextweek.pk not in due


def test_dashboard_shows_sips_due_this_week_and_missed(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    with_instalments(
        tenant_alpha,
        make_sip(tenant_alpha, investor, sip_scheme(), start_date=monday, frequency="WEEKLY", instalments=3),
        ["missed", "scheduled", "scheduled"],
    )
    page = client.get("/portal/")
    figures = page.context["figures"]
    assert figures["sips_due_this_week"] == 0 and figures["sip_instalments_missed_30d"] == 1
    html = page.content.decode()
    assert 'data-testid="kpi-sips-due"' in html and "1 missed in the last 30 days" in html
    assert "/portal/sips/?due=week" in html


def test_form_key_is_required(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = sip_scheme()
    mandate = mandate_for(tenant_alpha, investor)
    data = sip_form(mandate=str(mandate.public_id))
    data["request_key"] = "not-a-uuid"
    response = client.post(f"/portal/investors/{investor.public_id}/sips/new/?scheme={scheme.amfi_code}", data)
    assert response.status_code == 400 and b"This form has expired" in response.content


def test_the_sip_book_reads_a_fixed_number_of_queries_however_many_sips(staff_client, tenant_alpha):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff_client(tenant_alpha, role="admin")
    scheme = sip_scheme()
    today = timezone.localdate()

    def add_sips(n):
        for _ in range(n):
            investor = make_investor(tenant_alpha, ready_to_invest=True)
            with_instalments(tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=today, instalments=6))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/portal/sips/").status_code == 200
        return len(captured)

    add_sips(2)
    queries()  # the first request also warms the session, brand and feature caches
    few = queries()
    add_sips(8)
    assert queries() == few <= 10
