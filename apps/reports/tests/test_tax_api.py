"""The tax API: the year's capital gains by lot and section, unrealised gains, and Schedule 112A."""

import csv
import io
from datetime import date
from decimal import Decimal

from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

D = Decimal


def _lots(body, isin):
    return [lot for lot in body["lots"] if lot["scheme"]["isin"] == isin]


def test_capital_gains_of_a_year_lot_by_lot(ledger, api_for):
    response = api_for(ledger["asha"]).get("/api/v1/tax/capital-gains?fy=2024-25")

    assert response.status_code == 200
    body = response.json()
    assert body["financial_year"] == "2024-25"
    # the switch out (5-May) and the redemption (10-Sep) of the grandfathered lot
    switch, sale = _lots(body, ledger["equity"].isin_growth)
    assert switch["sale_kind"] == "switch_out" and switch["buy_date"] == "2017-06-01"
    assert switch["section"] == "112A" and switch["term"] == "long" and D(switch["rate"]) == D("10")
    # 40 units: cost 400, FMV 40 x 15 = 600, sale 1,120 -> cost used 600
    assert D(switch["fmv_31jan2018"]) == D("600.00") and D(switch["cost_used"]) == D("600.00")
    assert D(switch["gain"]) == D("520.00")
    assert sale["section"] == "112A" and D(sale["rate"]) == D("12.5") and D(sale["units"]) == D("60")
    assert D(sale["purchase_value"]) == D("600.00") and D(sale["cost_used"]) == D("900.00")
    assert D(sale["sale_value"]) == D("1800.00") and D(sale["gain"]) == D("900.00") and D(sale["stt"]) == D("1.80")
    # 50AA: bought after 1-Apr-2023; stamp duty is part of the cost
    (specified,) = _lots(body, ledger["debt"].isin_growth)
    assert specified["section"] == "50AA" and specified["term"] == "short" and specified["rate"] is None
    assert D(specified["purchase_value"]) == D("10000.50") and D(specified["gain"]) == D("699.50")
    # indexed: 10,000 x 363 / 317
    (indexed,) = _lots(body, ledger["old_debt"].isin_growth)
    assert indexed["section"] == "112" and D(indexed["rate"]) == D("20")
    assert D(indexed["indexed_cost"]) == D("11451.10") and D(indexed["gain"]) == D("1048.90")
    # IDCW is income, not a gain
    assert [D(line["amount"]) for line in body["idcw"]] == [D("250.00")]
    assert D(body["idcw_total"]) == D("250.00") and D(body["tds_total"]) == D("25.00")

    summary = body["summary"]
    rows = {(row["section"], row["rate"]): row for row in summary["rows"]}
    # 520 + 900 of 112A gains, all within the 1.25 lakh exemption
    assert D(summary["exemption_112a_limit"]) == D("125000.00") and D(summary["exemption_112a_used"]) == D("1420.00")
    assert D(rows[("112A", "12.50")]["tax"]) == 0 and D(rows[("112A", "10.00")]["tax"]) == 0
    assert D(rows[("112", "20.00")]["tax"]) == D("209.78")
    assert rows[("50AA", None)]["tax"] is None and D(summary["slab_gains"]) == D("699.50")
    assert D(summary["tax_estimated"]) == D("209.78")


def test_another_year_has_nothing_and_a_bad_year_is_refused(ledger, api_for):
    client = api_for(ledger["asha"])

    empty = client.get("/api/v1/tax/capital-gains?fy=2022-23").json()
    bad = client.get("/api/v1/tax/capital-gains?fy=2024")

    assert empty["lots"] == [] and empty["summary"]["rows"] == []
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_financial_year"


def test_a_second_investor_sees_only_their_own_sales(ledger, api_for):
    body = api_for(ledger["bala"]).get("/api/v1/tax/capital-gains?fy=2024-25").json()

    assert len(body["lots"]) == 1 and body["lots"][0]["section"] == "112A"
    assert D(body["lots"][0]["gain"]) == D("4000.00") and body["idcw"] == []


def test_a_second_tenant_gets_nothing(ledger, tenant_alpha):
    alpha = APIClient(HTTP_HOST="alpha.localhost")
    with tenant_context(tenant_alpha):
        alpha.force_login(ledger["asha"].user)
    assert alpha.get("/api/v1/tax/capital-gains?fy=2024-25").status_code == 200

    beta = APIClient(HTTP_HOST="beta.localhost")
    beta.cookies = alpha.cookies
    for path in ("/api/v1/tax/capital-gains?fy=2024-25", "/api/v1/tax/unrealised", "/api/v1/tax/schedule-112a.csv"):
        assert beta.get(path).status_code in (401, 403)


def test_schedule_112a_csv_in_the_utility_layout(ledger, api_for):
    response = api_for(ledger["asha"]).get("/api/v1/tax/schedule-112a.csv?fy=2024-25")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "schedule-112a-2024-25.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Share/Unit acquired(1a)", "Share/Unit Transferred(1b)", "ISIN Code(2)"]
    assert len(rows) == 3 and all(len(row) == 15 for row in rows)  # the two 112A lots only
    switch = rows[1]
    assert switch[:3] == ["BE", "BE", ledger["equity"].isin_growth]
    assert switch[4:] == [
        "40.0000", "28.0000", "1120.00", "600.00", "400.00", "600.00", "15.0000", "600.00", "0.00", "600.00",
        "520.00",
    ]  # fmt: skip
    assert rows[2][1] == "AE" and rows[2][-1] == "900.00"


def test_schedule_112a_before_fy_2024_25_has_no_transfer_column(ledger, api_for, record_line):
    record_line(ledger["asha"], ledger["equity_b"], "purchase", date(2020, 1, 2), "1000", "100", "c1")
    record_line(ledger["asha"], ledger["equity_b"], "redemption", date(2023, 5, 2), "-1500", "-50", "c2")

    rows = list(
        csv.reader(
            io.StringIO(api_for(ledger["asha"]).get("/api/v1/tax/schedule-112a.csv?fy=2023-24").content.decode())
        )
    )

    assert len(rows[0]) == 14 and rows[0][1] == "ISIN Code(2)"
    assert rows[1][0] == "AE" and rows[1][-1] == "1000.00"


def test_unrealised_gains_and_the_exemption_left(ledger, api_for, record_line, monkeypatch):
    from apps.portfolio.services.valuation import holdings_revalue
    from apps.reports import selectors

    asha = ledger["asha"]
    record_line(asha, ledger["equity"], "purchase", date(2023, 1, 2), "2000", "100", "u1")
    record_line(asha, ledger["equity"], "purchase", date(2024, 10, 1), "3000", "100", "u2")
    holdings_revalue(holdings=list(asha.holdings.all()))
    monkeypatch.setattr(selectors, "today_ist", lambda: date(2024, 12, 2))

    body = api_for(asha).get("/api/v1/tax/unrealised").json()

    assert body["as_of"] == "2024-12-02" and body["financial_year"] == "2024-25"
    # equity at 32: 100 long (cost 2000 -> 1200 gain) and 100 short (cost 3000 -> 200 gain);
    # equity B: 22.4 units switched in on 5-May-2024 at 1,120, now at 50 -> short 0
    assert D(body["long_term_gain"]) == D("1200.00")
    assert D(body["short_term_gain"]) == D("200.00")
    # 1,420 of 112A gains already realised this year: 1,23,580 of the exemption is left
    assert D(body["ltcg_112a_realised"]) == D("1420.00") and D(body["exemption_112a_left"]) == D("123580.00")
    assert D(body["ltcg_tax_free_available"]) == D("1200.00")


def test_the_tax_statement_and_goal_endpoints_are_in_the_openapi_schema(alpha_api):
    response = alpha_api.get("/api/schema/?format=json")

    paths = response.json()["paths"]
    for path in (
        "/api/v1/tax/capital-gains",
        "/api/v1/tax/unrealised",
        "/api/v1/tax/schedule-112a.csv",
        "/api/v1/statements",
        "/api/v1/statements/{statement_id}",
        "/api/v1/statements/{statement_id}/download",
        "/api/v1/goals",
        "/api/v1/goals/{goal_id}/links",
    ):
        assert path in paths, path
    lot = response.json()["components"]["schemas"]["LotGainOutput"]["properties"]
    assert {"scheme", "folio", "buy_date", "sell_date", "units", "purchase_value", "fmv_31jan2018", "cost_used",
            "sale_value", "gain", "term", "section", "rate"} <= set(lot)  # fmt: skip


def test_platform_staffs_tax_class_override_decides_the_section(ledger, api_for):
    # an "equity" scheme by its category that platform staff know to hold mostly debt
    ledger["equity_b"].tax_asset_class_override = "debt"
    ledger["equity_b"].save(update_fields=["tax_asset_class_override"])
    asha = ledger["asha"]
    from apps.portfolio.services import transaction_record

    transaction_record(
        investor=asha, scheme=ledger["equity_b"], folio_number="F1", kind="redemption", trade_date=date(2024, 11, 4),
        amount=D("-1200"), units=D("-22.4"), nav=None, source="order", source_ref="override-1",
    )  # fmt: skip

    body = api_for(asha).get("/api/v1/tax/capital-gains?fy=2024-25").json()

    (lot,) = _lots(body, ledger["equity_b"].isin_growth)
    # switched in on 5-May-2024, after 1-Apr-2023: a specified fund's gain, short term at slab rate
    assert lot["section"] == "50AA" and lot["tax_class_at_sale"] == "specified" and D(lot["gain"]) == D("80.00")


def test_capital_gains_queries_do_not_grow_with_the_lots(ledger, api_for, record_line, django_assert_max_num_queries):
    asha = ledger["asha"]
    for month in range(1, 13):
        record_line(asha, ledger["equity_b"], "purchase", date(2023, month, 2), "1000", "10", f"q{month}")
    for month in range(4, 13):
        record_line(asha, ledger["equity_b"], "redemption", date(2024, month, 20), "-600", "-5", f"r{month}")
    client = api_for(asha)

    # tenant lookup, investor, sold lots, STT, 31-Jan-2018 NAVs, IDCW (each after a search_path SET)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/tax/capital-gains?fy=2024-25").json()

    assert len(body["lots"]) > 12
