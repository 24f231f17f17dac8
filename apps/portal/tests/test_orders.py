"""Orders in the portal: placing one on an investor's behalf (it waits for the investor's OTP), the orders
and SIPs lists with filters and CSV export, the fund explorer, and the dashboard's order figures."""

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.core.timezones import IST
from tests.factories import SchemeFactory, make_investor, make_order, make_sip, make_staff, unique

pytestmark = pytest.mark.django_db


def with_key(data: dict) -> dict:
    """What the rendered form sends: the fields plus its one-time request key."""
    return {**data, "request_key": str(uuid.uuid4())}


def parse_csv(response) -> list[list[str]]:
    assert response.streaming  # exports are written as they are read, never held whole in memory
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- placing on behalf ------------------------------------------------------------------------------


def test_staff_places_a_purchase_that_waits_for_the_investors_otp(staff_client, tenant_alpha):
    from apps.orders.models import ExchangeAttempt, Order, OutboxMessage

    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True, full_name="Behalf Buyer")
    scheme = SchemeFactory(orderable=True)
    url = f"/portal/investors/{investor.public_id}/orders/new/"

    page = client.get(url)
    assert page.status_code == 200 and b"Place the order" in page.content
    response = client.post(url, with_key({"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": "1500"}))

    assert response.status_code == 302
    assert response["Location"] == f"/portal/investors/{investor.public_id}/#orders"
    with tenant_context(tenant_alpha):
        order = Order.objects.get(investor=investor)
        assert order.status == "pending_otp"
        assert order.placed_by_id == client.member.user_id
        assert order.amount == Decimal("1500.00") and order.scheme_id == scheme.pk
        assert order.otp_challenge_id is not None
        # nothing queued for, or sent to, the exchange before the investor's OTP
        assert not OutboxMessage.objects.filter(order=order).exists()
        assert not ExchangeAttempt.objects.filter(order=order).exists()
    detail = client.get(f"/portal/investors/{investor.public_id}/").content.decode()
    assert "Waiting for the investor&#x27;s OTP" in detail and "by staff" in detail


def test_refused_order_shows_the_reason_and_writes_nothing(staff_client, tenant_alpha):
    from apps.orders.models import Order

    client = staff_client(tenant_alpha, role="admin")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True, min_purchase=Decimal("5000"))
    url = f"/portal/investors/{investor.public_id}/orders/new/"

    below = client.post(url, with_key({"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": "100"}))
    assert below.status_code == 400 and "at least ₹5,000" in below.content.decode()
    unknown = client.post(url, with_key({"kind": "purchase", "amfi_code": "999999999999", "amount": "6000"}))
    assert unknown.status_code == 400 and b"No fund with AMFI code" in unknown.content
    no_units = client.post(url, with_key({"kind": "redemption", "amfi_code": scheme.amfi_code, "folio_number": "F1"}))
    assert no_units.status_code == 400 and b"A redemption needs the number of units" in no_units.content
    # a redemption of units the investor does not hold is the orders service's refusal
    not_held = client.post(
        url, with_key({"kind": "redemption", "amfi_code": scheme.amfi_code, "units": "5", "folio_number": "F1"})
    )
    assert not_held.status_code == 400
    with tenant_context(tenant_alpha):
        assert not Order.objects.filter(investor=investor).exists()


def test_kyc_pending_investor_is_refused(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, kyc_status="pending")
    scheme = SchemeFactory(orderable=True)
    response = client.post(
        f"/portal/investors/{investor.public_id}/orders/new/",
        with_key({"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": "1000"}),
    )
    assert response.status_code == 400 and b"KYC is not verified" in response.content


def test_only_staff_with_the_capability_place_orders(staff_client, tenant_alpha):
    from apps.orders.models import Order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    url = f"/portal/investors/{investor.public_id}/orders/new/"
    data = with_key({"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": "1000"})
    for role in ("read_only", "operations"):
        client = staff_client(tenant_alpha, role=role)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
        detail = client.get(f"/portal/investors/{investor.public_id}/").content.decode()
        assert url not in detail
    with tenant_context(tenant_alpha):
        assert not Order.objects.filter(investor=investor).exists()

    owner = staff_client(tenant_alpha, role="owner")
    assert url in owner.get(f"/portal/investors/{investor.public_id}/").content.decode()


def test_other_rms_and_other_tenants_investors_are_404(staff_client, tenant_alpha, tenant_beta):
    from apps.orders.models import Order

    rm = staff_client(tenant_alpha, role="rm")
    other_rm = make_staff(tenant_alpha, role="rm")
    theirs = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=other_rm)
    mine = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=rm.member)
    scheme = SchemeFactory(orderable=True)
    data = with_key({"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": "1000"})

    assert rm.get(f"/portal/investors/{theirs.public_id}/orders/new/").status_code == 404
    assert rm.post(f"/portal/investors/{theirs.public_id}/orders/new/", data).status_code == 404
    assert rm.post(f"/portal/investors/{mine.public_id}/orders/new/", data).status_code == 302

    beta_owner = staff_client(tenant_beta, role="owner")
    assert beta_owner.post(f"/portal/investors/{mine.public_id}/orders/new/", data).status_code == 404
    with tenant_context(tenant_alpha):
        assert not Order.objects.filter(investor=theirs).exists()
        assert Order.objects.filter(investor=mine, placed_by=rm.member.user).count() == 1


# --- orders and SIPs lists ---------------------------------------------------------------------------


def test_orders_list_filters_and_csv_export(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True, full_name=unique("Lister"))
    scheme = SchemeFactory(orderable=True, name=unique("Listed Fund"))
    old = make_order(
        tenant_alpha, investor, scheme, status="successful", placed_at=datetime(2026, 1, 10, 11, 0, tzinfo=IST)
    )
    new = make_order(
        tenant_alpha,
        investor,
        scheme,
        status="pending_otp",
        kind="redemption",
        placed_at=datetime(2026, 2, 10, 11, 0, tzinfo=IST),
    )

    page = client.get("/portal/orders/", {"status": "successful"})
    assert page.status_code == 200
    assert [o.pk for o in page.context["page"]] == [old.pk]
    assert [o.pk for o in client.get("/portal/orders/", with_key({"kind": "redemption"})).context["page"]] == [new.pk]
    in_feb = client.get("/portal/orders/", {"date_from": "2026-02-01", "date_to": "2026-02-28"}).context["page"]
    assert [o.pk for o in in_feb] == [new.pk]

    export = client.get("/portal/orders/export.csv", {"status": "successful"})
    assert export.status_code == 200
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export["Content-Disposition"].startswith('attachment; filename="orders-alpha-')
    rows = parse_csv(export)
    assert rows[0][:6] == ["Reference", "Placed (IST)", "Investor", "Type", "Scheme", "AMFI code"]
    ours = [r for r in rows[1:] if r[2] == investor.full_name]
    # our reference and the labels people read, not ids or enum values; times in IST
    assert [r[0] for r in ours] == [old.client_ref]
    assert ours[0][1] == "10 Jan 2026 11:00" and ours[0][4] == scheme.name
    assert ours[0][3] == "Purchase" and ours[0][6] == "1000.00" and ours[0][10] == "Successful"


def test_a_book_past_the_count_cap_says_more_than_and_still_pages(staff_client, tenant_alpha, monkeypatch):
    # given a cap of 4 (10,000 in production) and an owner's book of 5 orders, an RM's of 2
    monkeypatch.setattr("apps.portal.views_orders.LIST_COUNT_CAP", 4)
    monkeypatch.setattr("apps.portal.views.PAGE_SIZE", 2)
    rm = staff_client(tenant_alpha, role="rm")
    owner = staff_client(tenant_alpha, role="owner")
    scheme = SchemeFactory(orderable=True)
    mine = make_investor(tenant_alpha, ready_to_invest=True, full_name=unique("Capped"), relationship_manager=rm.member)
    other = make_investor(tenant_alpha, ready_to_invest=True, full_name=unique("Uncapped"))
    base = datetime(2026, 3, 1, 10, 0, tzinfo=IST)
    orders = [
        make_order(tenant_alpha, mine if k < 2 else other, scheme, placed_at=base + timedelta(hours=k))
        for k in range(5)
    ]

    # when the owner opens the list, then its last offered page
    first = owner.get("/portal/orders/")
    last = owner.get("/portal/orders/", {"page": "99"})

    # then the count stops at the cap and says so, newest first, and no page pretends to be the end of the book
    assert first.context["page"].paginator.capped and first.context["page"].paginator.count == 4
    assert [o.pk for o in first.context["page"]] == [orders[4].pk, orders[3].pk]
    assert "More than 4 orders" in first.content.decode() and "5 orders" not in first.content.decode()
    assert last.context["page"].number == 2 and [o.pk for o in last.context["page"]] == [orders[2].pk, orders[1].pk]
    # a book under the cap shows its exact count (the relationship manager's 2 orders)
    mine_page = rm.get("/portal/orders/")
    assert not mine_page.context["page"].paginator.capped and mine_page.context["page"].paginator.count == 2
    assert "2 orders" in mine_page.content.decode()
    assert {o.pk for o in mine_page.context["page"]} == {orders[0].pk, orders[1].pk}


def test_orders_list_and_export_keep_to_the_tenant_and_the_rms_book(staff_client, tenant_alpha, tenant_beta):
    rm = staff_client(tenant_alpha, role="rm")
    other_rm = make_staff(tenant_alpha, role="rm")
    mine = make_investor(tenant_alpha, ready_to_invest=True, full_name=unique("Mine"), relationship_manager=rm.member)
    theirs = make_investor(
        tenant_alpha, ready_to_invest=True, full_name=unique("Theirs"), relationship_manager=other_rm
    )
    beta_investor = make_investor(tenant_beta, ready_to_invest=True, full_name=unique("Beta"))
    scheme = SchemeFactory(orderable=True)
    my_order = make_order(tenant_alpha, mine, scheme)
    their_order = make_order(tenant_alpha, theirs, scheme)
    beta_order = make_order(tenant_beta, beta_investor, scheme)

    listed = {o.pk for o in rm.get("/portal/orders/").context["page"]}
    assert my_order.pk in listed and their_order.pk not in listed
    exported = {r[0] for r in parse_csv(rm.get("/portal/orders/export.csv"))[1:]}
    assert exported == {my_order.client_ref}

    owner = staff_client(tenant_alpha, role="owner")
    exported = {r[0] for r in parse_csv(owner.get("/portal/orders/export.csv"))[1:]}
    assert {my_order.client_ref, their_order.client_ref} <= exported
    assert beta_order.client_ref not in exported
    beta = staff_client(tenant_beta, role="owner")
    exported = {r[0] for r in parse_csv(beta.get("/portal/orders/export.csv"))[1:]}
    assert beta_order.client_ref in exported and my_order.client_ref not in exported


def test_csv_cells_cannot_run_as_formulas(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True, full_name=f"=HYPERLINK(1) {uuid.uuid4().hex[:6]}")
    order = make_order(tenant_alpha, investor, SchemeFactory(orderable=True))
    rows = parse_csv(client.get("/portal/orders/export.csv"))
    row = next(r for r in rows if r[0] == order.client_ref)
    assert row[2].startswith("'=")


def test_sips_list_filters_and_csv_export(staff_client, tenant_alpha, tenant_beta):
    client = staff_client(tenant_alpha, role="admin")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    monthly = make_sip(
        tenant_alpha, investor, scheme, frequency="MONTHLY", status="active", start_date=date(2026, 3, 1)
    )
    weekly = make_sip(
        tenant_alpha, investor, scheme, frequency="WEEKLY", status="cancelled", start_date=date(2026, 5, 1)
    )
    beta_sip = make_sip(tenant_beta, make_investor(tenant_beta, ready_to_invest=True), scheme)

    page = client.get("/portal/sips/")
    assert page.status_code == 200 and b"Export CSV" in page.content
    assert [s.pk for s in client.get("/portal/sips/", {"status": "cancelled"}).context["page"]] == [weekly.pk]
    assert [s.pk for s in client.get("/portal/sips/", with_key({"kind": "MONTHLY"})).context["page"]] == [monthly.pk]
    assert [s.pk for s in client.get("/portal/sips/", {"date_from": "2026-04-01"}).context["page"]] == [weekly.pk]

    export = client.get("/portal/sips/export.csv")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = parse_csv(export)
    assert rows[0][0] == "Reference" and "Frequency" in rows[0]
    refs = {r[0]: r for r in rows[1:]}
    assert {monthly.client_ref, weekly.client_ref} <= set(refs) and beta_sip.client_ref not in refs
    assert refs[weekly.client_ref][6] == "Weekly" and refs[weekly.client_ref][9] == "Cancelled"


def test_read_only_lists_and_exports_and_a_bad_filter_is_ignored(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="read_only")
    assert client.get("/portal/orders/").status_code == 200
    assert client.get("/portal/orders/export.csv").status_code == 200  # reports.view is part of read-only
    assert client.get("/portal/orders/?date_from=not-a-date").status_code == 200  # a bad filter is ignored


# --- fund explorer -----------------------------------------------------------------------------------


def test_fund_explorer_searches_filters_and_paginates(staff_client, tenant_alpha):
    from apps.funds.cache import catalog_version_bump
    from apps.funds.models import Scheme

    client = staff_client(tenant_alpha, role="read_only")
    tag = uuid.uuid4().hex[:6]
    target = SchemeFactory(orderable=True, name=f"Zephyrine Bluechip {tag} Fund")
    debt = SchemeFactory(orderable=True, name=f"Zephyrine Gilt {tag} Fund", asset_class=Scheme.AssetClass.DEBT)
    for i in range(30):
        SchemeFactory(orderable=True, name=f"Quokkaberry Scheme {i:02d}")
    catalog_version_bump()  # as a funds import does: the search vocabulary learns the new names

    found = client.get("/portal/funds/", {"q": "zephyrine"})
    assert found.status_code == 200
    names = [f.name for f in found.context["page"]]
    assert target.name in names and debt.name in names
    by_code = client.get("/portal/funds/", {"q": target.amfi_code}).context["page"]
    assert [f.pk for f in by_code] == [target.pk]
    filtered = client.get("/portal/funds/", {"q": "zephyrine", "asset_class": "debt"}).context["page"]
    assert [f.pk for f in filtered] == [debt.pk]

    first = client.get("/portal/funds/", {"q": "quokkaberry"}).context["page"]
    second = client.get("/portal/funds/", {"q": "quokkaberry", "page": 2}).context["page"]
    assert first.paginator.count == 30 and len(first) == 25 and len(second) == 5


# --- dashboard ---------------------------------------------------------------------------------------


def test_dashboard_shows_sip_book_and_todays_orders(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="rm")
    investor = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=client.member)
    scheme = SchemeFactory(orderable=True)
    make_sip(tenant_alpha, investor, scheme, amount="3000", frequency="MONTHLY")
    make_sip(tenant_alpha, investor, scheme, amount="6000", frequency="QUARTERLY")
    make_sip(tenant_alpha, investor, scheme, amount="9999", frequency="MONTHLY", status="cancelled")
    make_order(tenant_alpha, investor, scheme, status="pending_otp")
    make_order(tenant_alpha, investor, scheme, status="pending_otp")
    make_order(tenant_alpha, investor, scheme, status="queued")
    make_order(tenant_alpha, investor, scheme, status="successful", placed_at=timezone.now() - timedelta(days=3))
    # someone else's book does not count
    other = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=make_staff(tenant_alpha, role="rm"))
    make_sip(tenant_alpha, other, scheme, amount="1000")
    make_order(tenant_alpha, other, scheme)

    response = client.get("/portal/")
    figures = response.context["figures"]
    assert figures["active_sips"] == 2
    assert figures["monthly_sip_book"] == Decimal("5000.00")  # 3000 + 6000 / 3
    assert figures["orders_today_total"] == 3
    assert {r["status"]: r["count"] for r in figures["orders_today"]} == {"pending_otp": 2, "queued": 1}
    page = response.content.decode()
    assert 'data-testid="kpi-sips"' in page and "Waiting for the investor&#x27;s OTP 2" in page


def test_the_same_staff_form_sent_twice_writes_one_order(staff_client, tenant_alpha):
    from apps.orders.models import Order

    client = staff_client(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    url = f"/portal/investors/{investor.public_id}/orders/new/"
    data = with_key({"kind": "purchase", "amfi_code": scheme.amfi_code, "amount": "1500"})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    with tenant_context(tenant_alpha):
        assert Order.objects.filter(investor=investor).count() == 1
    assert client.post(url, with_key(data)).status_code == 302  # a new form is a new order
    with tenant_context(tenant_alpha):
        assert Order.objects.filter(investor=investor).count() == 2
