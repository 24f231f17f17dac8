"""Fund discovery on the investor web pages, the fund picker of the order page (no typed AMFI codes), and the
portfolio's Invest more / Redeem / Switch links."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django_tenants.utils import tenant_context

from apps.funds.models import Amc, NavHistory
from apps.web.tests.test_orders import signed_in
from apps.web.views_funds import CHART_POINTS, nav_chart
from tests.factories import SchemeFactory, make_investor

pytestmark = pytest.mark.django_db

END = date(2026, 8, 19)


@pytest.fixture
def ppfas():
    # get_or_create: live tests of the session may have committed the real fund house already
    return Amc.objects.get_or_create(code="ppfas-mutual-fund", defaults={"name": "PPFAS Mutual Fund"})[0]


@pytest.fixture
def funds(ppfas):
    hdfc = Amc.objects.get_or_create(code="hdfc-mutual-fund", defaults={"name": "HDFC Mutual Fund"})[0]
    equity = {"category": "Equity Scheme", "orderable": True, "amc": ppfas}
    return {
        "flexi": SchemeFactory(**equity, name="Parag Parikh Zeta Flexi Cap Fund - Direct Plan - Growth",
                               sub_category="Flexi Cap Fund", latest_nav=Decimal("90.4028"), latest_nav_date=END),
        "flexi_idcw": SchemeFactory(**equity, option="idcw_payout", sub_category="Flexi Cap Fund",
                                    name="Parag Parikh Zeta Flexi Cap Fund - Direct Plan - IDCW Payout"),
        "elss": SchemeFactory(**equity, sub_category="ELSS",
                              name="Parag Parikh Zeta ELSS Tax Saver Fund - Direct Plan - Growth"),
        "hdfc": SchemeFactory(amc=hdfc, name="HDFC Mid Cap Fund - Regular Plan - Growth", plan="regular",
                              category="Equity Scheme", sub_category="Mid Cap Fund"),
    }  # fmt: skip


@pytest.fixture
def client(tenant_alpha):
    return signed_in(tenant_alpha, make_investor(tenant_alpha, ready_to_invest=True).user)


def _results(page) -> list[str]:
    return [scheme.name for scheme in page.context["page"].object_list]


def test_search_by_fund_house_alias_and_filters(client, funds):
    page = client.get("/web/funds/", {"q": "ppfas"})
    assert page.status_code == 200
    names = _results(page)
    assert all(name.startswith("Parag Parikh") for name in names)
    assert {funds[key].name for key in ("flexi", "flexi_idcw", "elss")} <= set(names)
    assert _results(client.get("/web/funds/", {"q": "ppfas", "sub_category": "ELSS"})) == [funds["elss"].name]
    assert _results(client.get("/web/funds/", {"q": "parag zeta flexi", "option": "idcw"})) == [
        funds["flexi_idcw"].name
    ]
    assert _results(client.get("/web/funds/", {"q": "hdfc", "category": "Equity Scheme", "plan": "regular"})) == [
        funds["hdfc"].name
    ]
    html = page.content.decode()
    assert f'href="/web/funds/{funds["flexi"].amfi_code}/"' in html
    assert "Mid Cap Fund" in html  # the sub-category filter lists the catalogue's sub-categories


def test_fund_pages_need_a_signed_in_investor(tenant_alpha, funds):
    from django.test import Client

    anonymous = Client(HTTP_HOST=tenant_alpha.domains.get(is_primary=True).domain)
    assert anonymous.get("/web/funds/").status_code == 302
    assert anonymous.get(f"/web/funds/{funds['flexi'].amfi_code}/").status_code == 302


def test_fund_page_chart_returns_and_what_can_be_done_here(client, funds):
    flexi = funds["flexi"]
    # given 13 months of weekly NAVs, rising from 70 to 90.4028 (no history for 3 or 5 years)
    days = [END - timedelta(weeks=n) for n in range(0, 57)]
    NavHistory.objects.bulk_create(
        NavHistory(scheme=flexi, date=day, nav=Decimal("90.4028") - Decimal("0.35") * n) for n, day in enumerate(days)
    )
    page = client.get(f"/web/funds/{flexi.amfi_code}/")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    returns = {r.period: r.return_pct for r in page.context["returns"]}
    assert returns["1Y"] is not None and returns["3Y"] is None and returns["5Y"] is None
    assert "<polyline" in html and 'data-testid="nav-chart"' in html
    assert "<script" not in html.split("<main", 1)[-1]  # the chart is drawn on the server
    assert f'href="/web/orders/new/?kind=purchase&scheme={flexi.amfi_code}"' in html
    assert f'href="/web/sips/new/?scheme={flexi.amfi_code}"' in html
    assert "Monthly, quarterly, weekly" in html and "Any day from 1 to 28" in html
    rows = page.context["returns"]
    assert [r.period for r in rows] == ["1M", "3M", "6M", "1Y", "3Y", "5Y"]


def test_a_fund_not_listed_at_the_exchange_offers_no_invest_button(client, funds):
    page = client.get(f"/web/funds/{funds['hdfc'].amfi_code}/")
    html = page.content.decode()
    assert 'data-testid="fund-invest"' not in html and 'data-testid="fund-sip"' not in html
    assert "This fund cannot be bought through BSE StAR MF: it is not listed there." in html
    assert client.get("/web/funds/999999999/").status_code == 404


def test_order_page_takes_the_fund_from_the_fund_page_or_the_picker(client, funds):
    flexi = funds["flexi"]
    # from the fund page's Invest link: the fund is chosen, as a hidden field; nothing to type
    page = client.get("/web/orders/new/", {"kind": "purchase", "scheme": flexi.amfi_code})
    html = page.content.decode()
    assert f'<input type="hidden" name="amfi_code" value="{flexi.amfi_code}"' in html
    assert 'data-testid="picker-scheme-chosen"' in html and flexi.name in html
    assert "AMFI code" not in html
    # the picker: a search whose results are links choosing a fund, keeping the order type
    page = client.get("/web/orders/new/", {"kind": "redemption", "q": "ppfas zeta flexi"})
    choices = page.context["pickers"].fund.results
    assert [c.scheme for c in choices] == [flexi, funds["flexi_idcw"]]
    assert f"?kind=redemption&scheme={flexi.amfi_code}" in {c.url for c in choices}


def test_an_order_without_a_chosen_fund_says_so_beside_the_picker(client, funds):
    page = client.post("/web/orders/new/", {"kind": "purchase", "amount": "1000", "request_key": uuid.uuid4()})
    assert page.status_code == 400
    html = page.content.decode()
    picker = html.split('data-testid="picker-scheme"', 1)[1].split("</div>", 1)[0]
    assert "Choose a fund: search for it above and pick it from the list." in picker


def test_switch_needs_a_target_within_the_fund_house(client, funds, tenant_alpha):
    flexi, elss, hdfc = funds["flexi"], funds["elss"], funds["hdfc"]
    page = client.get("/web/orders/new/", {"kind": "switch", "scheme": flexi.amfi_code, "to_q": "fund"})
    targets = [c.scheme for c in page.context["pickers"].to_fund.results]
    assert elss in targets and hdfc not in targets  # only the same fund house
    body = {"kind": "switch", "amfi_code": flexi.amfi_code, "units": "5", "folio_number": "F1",
            "request_key": uuid.uuid4()}  # fmt: skip
    page = client.post("/web/orders/new/", body)
    assert page.status_code == 400
    assert "Choose the fund to switch into" in page.content.decode()
    # with a target, the switch reaches the orders service (which refuses it: there are no units to switch)
    page = client.post("/web/orders/new/", {**body, "to_amfi_code": elss.amfi_code, "request_key": uuid.uuid4()})
    assert page.status_code == 400
    assert "Not enough units free to sell" in unescape(page.content.decode())


def test_holdings_link_to_invest_more_redeem_and_switch(tenant_alpha, funds):
    from apps.portfolio.services import transaction_record

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    flexi = funds["flexi"]
    with tenant_context(tenant_alpha):
        transaction_record(
            investor=investor, scheme=flexi, folio_number="F1", kind="purchase", trade_date=date(2025, 1, 6),
            amount=Decimal("10000"), units=Decimal("200"), nav=Decimal("50"), source="cas",
            source_ref=f"seed-{uuid.uuid4().hex}",
        )  # fmt: skip
    client = signed_in(tenant_alpha, investor.user)
    html = unescape(client.get("/web/").content.decode())
    for kind in ("purchase", "redemption", "switch"):
        assert f"/web/orders/new/?kind={kind}&scheme={flexi.amfi_code}" in html
    assert f'href="/web/funds/{flexi.amfi_code}/"' in html
    # Redeem opens the order page with the fund chosen and its only folio filled in
    page = signed_in(tenant_alpha, investor.user).get(
        "/web/orders/new/", {"kind": "redemption", "scheme": flexi.amfi_code}
    )
    assert page.context["form"].initial["folio_number"] == "F1"
    assert page.context["form"].initial["kind"] == "redemption"


def test_nav_chart_draws_at_most_its_points_and_keeps_the_last():
    assert nav_chart([(END, Decimal("10"))]) is None
    points = [(END - timedelta(days=n), Decimal(100 + n)) for n in range(1000, -1, -1)]
    chart = nav_chart(points)
    drawn = chart.line.split()
    assert len(drawn) <= CHART_POINTS + 1
    assert drawn[0].startswith("0.0,") and drawn[-1].startswith("600.0,")
    assert (chart.low, chart.high, chart.start, chart.end) == (Decimal(100), Decimal(1100), points[0][0], END)
