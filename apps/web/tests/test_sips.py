"""The investor's SIPs on the web: the SIP book, starting a SIP on a registered mandate or with a new
mandate first (each with its OTP), the form's errors beside their fields, the SIP's page with its
instalments and cancellation with a reason, and isolation from other investors."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.web.tests.test_orders import otp_sent_to, signed_in
from tests.factories import MandateFactory, SchemeFactory, make_investor, make_sip
from tests.test_feature_flags import platform_admin, switch  # noqa: F401 - fixtures, used by name

pytestmark = pytest.mark.django_db


def next_month() -> str:
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


def sip_form(**fields) -> dict:
    return {"request_key": str(uuid.uuid4()), "amount": "2000", "frequency": "MONTHLY", "day": "10",
            "start_month": next_month(), "instalments": "12", **fields}  # fmt: skip


def mandate_for(tenant, investor, **fields):
    with tenant_context(tenant):
        return MandateFactory(investor=investor, status="approved", exchange_mandate_id="1200042", **fields)


def sip_scheme(**fields):
    return SchemeFactory(orderable=True, min_sip=Decimal("500"), sip_multiple=Decimal("100"), **fields)


def test_investor_starts_a_sip_on_a_registered_mandate_and_confirms_it_with_the_otp(
    tenant_alpha, django_capture_on_commit_callbacks
):
    from apps.orders.models import OutboxMessage, SipRegistration

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = sip_scheme(name="Web SIP Flexi Cap Fund - Direct Plan - Growth")
    mandate = mandate_for(tenant_alpha, investor)
    client = signed_in(tenant_alpha, investor.user)
    url = f"/web/sips/new/?scheme={scheme.amfi_code}"

    page = client.get(url)
    assert page.status_code == 200 and b"Web SIP Flexi Cap Fund" in page.content
    assert str(mandate.public_id).encode() in page.content  # the mandate is offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, sip_form(mandate=str(mandate.public_id)))

    with tenant_context(tenant_alpha):
        sip = SipRegistration.objects.get(investor=investor)
        assert sip.status == "pending_otp" and sip.mandate_id == mandate.pk and sip.placed_by_id is None
        assert sip.amount == Decimal("2000.00") and sip.start_date.day == 10 and sip.instalments == 12
        assert sip.instalment_rows.count() == 12
        assert not OutboxMessage.objects.filter(sip=sip).exists()
    assert response.status_code == 302 and response["Location"] == f"/web/sips/{sip.public_id}/"

    detail = client.get(response["Location"])
    assert b"Waiting for your OTP" in detail.content and b'data-testid="web-sip-otp-form"' in detail.content
    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code in (400, 409) and b"form-errors" in wrong.content
    with django_capture_on_commit_callbacks(execute=False):
        confirmed = client.post(response["Location"], {"code": otp_sent_to(investor.mobile)})
    assert confirmed.status_code == 302
    with tenant_context(tenant_alpha):
        sip.refresh_from_db()
        assert sip.status == "queued" and OutboxMessage.objects.filter(sip=sip).count() == 1

    book = client.get("/web/sips/")
    assert book.status_code == 200 and b"Web SIP Flexi Cap Fund" in book.content
    [row] = book.context["sips"]
    assert row.next_due == sip.start_date and row.next_debit >= sip.start_date


def test_a_sip_without_a_usable_mandate_registers_one_first(tenant_alpha, django_capture_on_commit_callbacks):
    from apps.orders.models import Mandate, SipRegistration

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = sip_scheme()
    mandate_for(tenant_alpha, investor, amount_limit=Decimal("1000"))  # below the instalment: not offered
    with tenant_context(tenant_alpha):
        account = investor.bank_accounts.get()
    client = signed_in(tenant_alpha, investor.user)
    url = f"/web/sips/new/?scheme={scheme.amfi_code}"
    assert client.get(url).context["form"].fields["mandate"].choices[-1][0] == "new"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, sip_form(mandate="new", bank_account=str(account.public_id), mandate_limit="25000"))
    with tenant_context(tenant_alpha):
        mandate = Mandate.objects.get(investor=investor, amount_limit=Decimal("25000"))
        assert mandate.status == "pending_otp" and mandate.bank_account_id == account.pk
        assert not SipRegistration.objects.filter(investor=investor).exists()  # the SIP waits for the mandate
    assert response["Location"] == f"/web/sips/mandates/{mandate.public_id}/"

    page = client.get(response["Location"])
    assert b"Waiting for your OTP" in page.content and b"25,000" in page.content
    confirmed = client.post(response["Location"], {"code": otp_sent_to(investor.mobile)})
    assert confirmed.status_code == 302
    with tenant_context(tenant_alpha):
        mandate.refresh_from_db()
        assert mandate.status == "queued"
    working = client.get(response["Location"])
    assert b"registering the mandate" in working.content and b'http-equiv="refresh"' in working.content
    too_soon = client.post(response["Location"], {"action": "continue"})
    assert too_soon.status_code == 422 and b"not registered at the exchange yet" in too_soon.content

    with tenant_context(tenant_alpha):  # the exchange registers it (the outbox's work)
        Mandate.objects.filter(pk=mandate.pk).update(status="registered", exchange_mandate_id="1200077")
    ready = client.get(response["Location"])
    assert b'data-testid="sip-continue"' in ready.content and b"approves it" in ready.content
    with django_capture_on_commit_callbacks(execute=True):
        went_on = client.post(response["Location"], {"action": "continue"})
    with tenant_context(tenant_alpha):
        sip = SipRegistration.objects.get(investor=investor)
        assert sip.mandate_id == mandate.pk and sip.status == "pending_otp" and sip.amount == Decimal("2000.00")
    assert went_on["Location"] == f"/web/sips/{sip.public_id}/"
    # sent again (a double click), the same SIP answers
    assert client.post(response["Location"], {"action": "continue"}).status_code in (302, 200)
    with tenant_context(tenant_alpha):
        assert SipRegistration.objects.filter(investor=investor).count() == 1


def test_form_errors_show_beside_their_fields_and_nothing_is_written(tenant_alpha):
    from apps.orders.models import Mandate, SipRegistration

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = sip_scheme()
    mandate = mandate_for(tenant_alpha, investor, amount_limit=Decimal("1500"))
    client = signed_in(tenant_alpha, investor.user)
    url = f"/web/sips/new/?scheme={scheme.amfi_code}"
    this_month = timezone.localdate().strftime("%Y-%m")

    response = client.post(url, sip_form(amount="250", instalments="3", start_month=this_month,
                                         day=str(timezone.localdate().day if timezone.localdate().day <= 28 else 28),
                                         mandate=str(mandate.public_id)))  # fmt: skip
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "must be at least ₹500" in errors["amount"][0]
    assert "at least 6 instalments" in errors["instalments"][0]
    assert "at least 7 days away" in errors["start_month"][0]
    html = response.content.decode()
    assert 'id="id_amount_error"' in html and 'id="id_instalments_error"' in html

    over_limit = client.post(url, sip_form(amount="2050", mandate=str(mandate.public_id)))
    assert "in steps of ₹100" in over_limit.context["form"].errors["amount"][0]
    over_limit = client.post(url, sip_form(amount="2000", mandate=str(mandate.public_id)))
    assert "limit is below the instalment" in over_limit.context["form"].errors["mandate"][0]
    new_without_account = client.post(url, sip_form(mandate="new"))
    assert "Choose the bank account" in new_without_account.context["form"].errors["bank_account"][0]
    with tenant_context(tenant_alpha):
        assert not SipRegistration.objects.exists() and Mandate.objects.filter(investor=investor).count() == 1


def test_without_a_scheme_the_page_offers_a_search(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    wanted = sip_scheme(name="Zebra Picker Midcap Fund - Direct Plan - Growth")
    sip_scheme(name="Zebra Picker No SIP Fund - Direct Plan - Growth", sip_allowed=False)
    client = signed_in(tenant_alpha, investor.user)

    page = client.get("/web/sips/new/", {"q": "zebra picker"})
    assert page.status_code == 200
    assert [s.pk for s in page.context["picks"]] == [wanted.pk]
    assert f"?scheme={wanted.amfi_code}" in page.content.decode()
    assert client.get("/web/sips/new/", {"scheme": "12ab"}).context["picking"] is True


def test_investor_cancels_a_sip_with_a_reason(tenant_alpha, django_capture_on_commit_callbacks):
    from apps.core.models import AuditLog
    from apps.orders.models import OutboxMessage

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    sip = make_sip(tenant_alpha, investor, sip_scheme(), status="active", start_date=date.today() + timedelta(days=9))
    client = signed_in(tenant_alpha, investor.user)
    url = f"/web/sips/{sip.public_id}/"

    refused = client.post(url, {"action": "cancel", "reason": ""})
    assert refused.status_code == 400
    assert "Tell us why" in refused.content.decode() and "Tick the box" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"action": "cancel", "reason": "Moving my savings", "confirm": "on"})
    assert response.status_code == 302
    with tenant_context(tenant_alpha):
        sip.refresh_from_db()
        assert sip.status == "cancel_requested"
        assert OutboxMessage.objects.filter(sip=sip, kind="sip_cancel").count() == 1
        audit = AuditLog.objects.get(action="orders.sip.cancel", target_id=str(sip.pk))
        assert audit.extra["reason"] == "Moving my savings"


def test_another_investors_sip_and_mandate_are_404(tenant_alpha, tenant_beta):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    other = make_investor(tenant_alpha, ready_to_invest=True)
    theirs = make_sip(tenant_alpha, other, sip_scheme())
    client = signed_in(tenant_alpha, investor.user)

    assert client.get(f"/web/sips/{theirs.public_id}/").status_code == 404
    assert (
        client.post(f"/web/sips/{theirs.public_id}/", {"action": "cancel", "reason": "x", "confirm": "on"}).status_code
        == 404
    )
    assert client.get(f"/web/sips/mandates/{theirs.mandate.public_id}/").status_code == 404
    assert str(theirs.public_id) not in client.get("/web/sips/").content.decode()
    beta = signed_in(tenant_beta, make_investor(tenant_beta, ready_to_invest=True).user)
    assert beta.get(f"/web/sips/{theirs.public_id}/").status_code == 404
    with tenant_context(tenant_alpha):
        theirs.refresh_from_db()
        assert theirs.status == "active"


def test_web_ordering_off_closes_the_sip_pages_but_keeps_the_book(switch, tenant_alpha):  # noqa: F811
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    sip = make_sip(tenant_alpha, investor, sip_scheme())
    client = signed_in(tenant_alpha, investor.user)
    assert b'data-testid="web-sip-start"' in client.get("/web/sips/").content

    switch(tenant_alpha, "web_ordering", "off")

    for url in ("/web/sips/new/", f"/web/sips/{sip.public_id}/", f"/web/sips/mandates/{sip.mandate.public_id}/"):
        assert client.get(url).status_code == 404, url
    book = client.get("/web/sips/")
    assert book.status_code == 200 and sip.scheme.name.encode() in book.content
    assert b'data-testid="web-sip-start"' not in book.content
