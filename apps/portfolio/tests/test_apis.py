import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.portfolio.models import CasImport, Holding, Transaction
from apps.portfolio.services import transaction_delete
from tests.factories import InvestorFactory

D = Decimal


@pytest.fixture
def portfolio(in_alpha, make_scheme, record_line):
    """Investor A with two schemes (one in two folios), investor B with one."""
    a, b = InvestorFactory(full_name="Asha"), InvestorFactory(full_name="Bala")
    equity = make_scheme(nav="20", category="Equity Scheme - Large Cap Fund")
    debt = make_scheme(nav="11", category="Debt Scheme - Liquid Fund", asset_class="debt")
    record_line(a, equity, "purchase", date(2024, 1, 2), "1000", "100", "a1", nav="10")
    record_line(a, equity, "sip", date(2024, 2, 1), "1200", "100", "a2", nav="12")
    record_line(a, equity, "purchase", date(2024, 3, 1), "500", "40", "a3", folio="F2", nav="12.5")
    record_line(a, debt, "purchase", date(2024, 1, 15), "1000", "100", "a4", nav="10")
    record_line(a, equity, "redemption", date(2024, 6, 3), "-900", "-50", "a5", nav="18")
    record_line(b, equity, "purchase", date(2024, 1, 2), "5000", "500", "b1", nav="10")
    return {"a": a, "b": b, "equity": equity, "debt": debt}


def test_summary_is_served_with_an_etag(portfolio, api_for):
    client = api_for(portfolio["a"])

    response = client.get("/api/v1/portfolio/summary")

    assert response.status_code == 200
    body = response.json()
    # 150 + 40 units of equity at 20, 100 of debt at 11
    assert D(body["value"]) == D("4900.00")
    assert D(body["invested"]) == D("1700.00") + D("500.00") + D("1000.00")
    assert D(body["realised_gain"]) == D("400.00")  # 50 units bought at 10, sold at 18
    assert body["holdings_count"] == 3 and body["folios_count"] == 3  # folios are per AMC
    assert D(body["absolute_return"]) == ((D("4900") - D("3200")) / D("3200") * 100).quantize(D("0.01"))
    assert body["xirr"] is not None
    etag = response["ETag"]
    assert etag.startswith('W/"')

    again = client.get("/api/v1/portfolio/summary", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content


def test_summary_etag_changes_when_the_ledger_changes(portfolio, api_for, record_line):
    client = api_for(portfolio["a"])
    etag = client.get("/api/v1/portfolio/summary")["ETag"]

    record_line(portfolio["a"], portfolio["debt"], "sip", date(2024, 7, 1), "100", "9", "a6")

    response = client.get("/api/v1/portfolio/summary", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert D(response.json()["value"]) == D("4900.00") + D("99.00")


def test_empty_portfolio_summary(in_alpha, api_for):
    response = api_for(InvestorFactory()).get("/api/v1/portfolio/summary")
    assert response.status_code == 200
    assert response.json()["value"] == "0.00" and response.json()["xirr"] is None


def test_holdings_list_etag_and_detail(portfolio, api_for):
    client = api_for(portfolio["a"])

    response = client.get("/api/v1/portfolio/holdings")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 3
    assert [D(r["value"]) for r in rows] == sorted((D(r["value"]) for r in rows), reverse=True)
    row = next(r for r in rows if r["folio"]["folio_number"] == "F1" and r["scheme"]["asset_class"] == "equity")
    assert D(row["units"]) == D("150") and D(row["invested"]) == D("1700.00")
    assert row["scheme"]["amfi_code"] == portfolio["equity"].amfi_code
    assert (
        response["ETag"]
        and client.get("/api/v1/portfolio/holdings", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )
    # another query string is another representation
    other = client.get("/api/v1/portfolio/holdings?page_size=1", HTTP_IF_NONE_MATCH=response["ETag"])
    assert other.status_code == 200 and len(other.json()["results"]) == 1 and other.json()["next"]

    detail = client.get(f"/api/v1/portfolio/holdings/{row['id']}")
    assert detail.status_code == 200
    assert [D(lot["units_remaining"]) for lot in detail.json()["lots"]] == [D("50"), D("100")]


def test_holdings_by_scheme_fold_folios(portfolio, api_for):
    response = api_for(portfolio["a"]).get("/api/v1/portfolio/schemes")
    rows = {r["amfi_code"]: r for r in response.json()["results"]}
    equity = rows[portfolio["equity"].amfi_code]
    assert equity["folios"] == 2 and D(equity["units"]) == D("190") and D(equity["value"]) == D("3800.00")


def test_holdings_delta_sync(portfolio, api_for, record_line):
    client = api_for(portfolio["a"])
    first = client.get("/api/v1/portfolio/holdings?updated_since=2000-01-01T00:00:00Z").json()
    synced_at = first["synced_at"]
    assert len(first["results"]) == 3 and first["deleted"] == []

    nothing = client.get("/api/v1/portfolio/holdings", {"updated_since": synced_at}).json()
    assert nothing["results"] == [] and nothing["deleted"] == []

    record_line(portfolio["a"], portfolio["debt"], "redemption", date(2024, 7, 1), "-1100", "-100", "a7")
    line = Transaction.objects.select_related("holding").get(source_ref="a3")
    transaction_delete(line=line)  # the only line of the F2 holding: the holding goes too

    changed = client.get("/api/v1/portfolio/holdings", {"updated_since": synced_at}).json()
    closed = [r for r in changed["results"] if D(r["units"]) == 0]
    assert len(closed) == 1 and closed[0]["scheme"]["asset_class"] == "debt"
    assert changed["deleted"] == [str(line.holding.public_id)]
    # a closed holding leaves the default list
    assert len(client.get("/api/v1/portfolio/holdings").json()["results"]) == 1


def test_transactions_cursor_pages_and_filters(portfolio, api_for):
    client = api_for(portfolio["a"])
    seen, url = [], "/api/v1/portfolio/transactions?page_size=2"
    while url:
        page = client.get(url).json()
        seen += page["results"]
        url = page["next"]
    assert len(seen) == 5
    assert [r["trade_date"] for r in seen] == sorted((r["trade_date"] for r in seen), reverse=True)

    by_kind = client.get("/api/v1/portfolio/transactions?kind=purchase,redemption").json()["results"]
    assert sorted(r["kind"] for r in by_kind) == ["purchase", "purchase", "purchase", "redemption"]
    in_range = client.get("/api/v1/portfolio/transactions?date_from=2024-01-10&date_to=2024-02-28").json()
    assert [r["trade_date"] for r in in_range["results"]] == ["2024-02-01", "2024-01-15"]
    folio = client.get("/api/v1/portfolio/transactions?folio=F2").json()["results"]
    assert [r["units"] for r in folio] == ["40.0000"]
    scheme = client.get(f"/api/v1/portfolio/transactions?amfi_code={portfolio['debt'].amfi_code}").json()
    assert len(scheme["results"]) == 1
    holding = Holding.objects.get(investor=portfolio["a"], folio__folio_number="F2")
    by_holding = client.get(f"/api/v1/portfolio/transactions?holding={holding.public_id}").json()["results"]
    assert len(by_holding) == 1
    bad = client.get("/api/v1/portfolio/transactions?kind=gift")
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error"
    assert client.get("/api/v1/portfolio/transactions?updated_since=yesterday").status_code == 400


def test_transactions_delta_sync_returns_changes_and_deletions(portfolio, api_for, record_line):
    client = api_for(portfolio["a"])
    since = timezone.now()
    record_line(portfolio["a"], portfolio["debt"], "sip", date(2024, 7, 1), "100", "9", "a8")
    gone = Transaction.objects.get(source_ref="a2")
    transaction_delete(line=gone)

    body = client.get("/api/v1/portfolio/transactions", {"updated_since": since.isoformat()}).json()

    assert [r["kind"] for r in body["results"]] == ["sip"]
    assert body["deleted"] == [str(gone.public_id)]
    assert body["synced_at"]


def test_another_investors_ids_answer_404(portfolio, api_for, private_storage):
    a, b = portfolio["a"], portfolio["b"]
    client = api_for(a)
    b_holding = Holding.objects.get(investor=b)
    b_line = Transaction.objects.get(investor=b)
    b_import = CasImport.objects.create(investor=b)

    for url in (
        f"/api/v1/portfolio/holdings/{b_holding.public_id}",
        f"/api/v1/portfolio/transactions/{b_line.public_id}",
        f"/api/v1/imports/{b_import.public_id}",
        f"/api/v1/portfolio/holdings/{uuid.uuid4()}",
        "/api/v1/portfolio/holdings/not-a-uuid",
        f"/api/v1/portfolio/transactions?holding={b_holding.public_id}",
    ):
        response = client.get(url)
        if "?" in url:
            assert response.status_code == 200 and response.json()["results"] == [], url
        else:
            assert response.status_code == 404, url
            assert response.json()["code"] == "not_found"
    # and B's rows never appear in A's lists
    assert str(b_line.public_id) not in client.get("/api/v1/portfolio/transactions").content.decode()
    assert str(b_import.public_id) not in client.get("/api/v1/imports").content.decode()
    # B sees their own
    assert api_for(b).get(f"/api/v1/portfolio/holdings/{b_holding.public_id}").status_code == 200


def test_signed_out_and_non_investors_get_nothing(portfolio, in_alpha):
    from apps.users.models import User

    anonymous = APIClient(HTTP_HOST="alpha.localhost")
    assert anonymous.get("/api/v1/portfolio/summary").status_code in (401, 403)
    staff = APIClient(HTTP_HOST="alpha.localhost")
    staff.force_authenticate(User.objects.create_user(email="not-an-investor@example.com"))
    assert staff.get("/api/v1/portfolio/summary").status_code == 404


def test_another_tenants_session_is_refused(portfolio, tenant_alpha):
    from django_tenants.utils import tenant_context

    alpha_client = APIClient(HTTP_HOST="alpha.localhost")
    with tenant_context(tenant_alpha):
        alpha_client.force_login(portfolio["a"].user)
    assert alpha_client.get("/api/v1/portfolio/summary").status_code == 200

    beta_client = APIClient(HTTP_HOST="beta.localhost")
    beta_client.cookies = alpha_client.cookies  # the same session cookie, at another distributor
    response = beta_client.get("/api/v1/portfolio/summary")
    assert response.status_code in (401, 403)


def test_performance_series(portfolio, api_for, nav_history):
    equity, debt = portfolio["equity"], portfolio["debt"]
    nav_history(equity, date(2024, 1, 1), ["10"] * 10 + ["15"] * 200)
    nav_history(debt, date(2024, 1, 1), ["10"] * 100 + ["10.5"] * 110)
    client = api_for(portfolio["a"])

    response = client.get("/api/v1/portfolio/performance?start=2024-01-01&end=2024-07-28&interval=weekly")

    assert response.status_code == 200
    body = response.json()
    assert body["interval"] == "weekly"
    points = {p["date"]: p for p in body["points"]}
    assert points["2024-01-01"]["value"] == "0.00"
    # 8-Jan: 100 equity units at 10; 15-Jan: +100 debt units at 10
    assert D(points["2024-01-08"]["value"]) == D("1000.00")
    assert D(points["2024-01-15"]["value"]) == D("100") * 15 + D("100") * 10
    assert D(points["2024-01-15"]["invested"]) == D("2000.00")
    # after the redemption of 50 (FIFO: cost 500): 150 + 40 equity at 15, 100 debt at 10.5
    last = body["points"][-1]
    assert last["date"] == "2024-07-28"
    assert D(last["value"]) == D("190") * 15 + D("100") * D("10.5")
    assert D(last["invested"]) == D("3200.00")
    daily = client.get("/api/v1/portfolio/performance?start=2024-01-01&end=2024-01-31").json()
    assert daily["interval"] == "daily" and len(daily["points"]) == 31
    assert client.get("/api/v1/portfolio/performance?start=2024-02-01&end=2024-01-01").status_code == 400


def test_allocation(portfolio, api_for):
    client = api_for(portfolio["a"])
    body = client.get("/api/v1/portfolio/allocation").json()
    classes = {row["key"]: row for row in body["asset_class"]}
    assert D(classes["equity"]["value"]) == D("3800.00") and D(classes["debt"]["value"]) == D("1100.00")
    assert D(classes["equity"]["percent"]) + D(classes["debt"]["percent"]) == D("100.00")
    assert {row["key"] for row in body["category"]} == {"Equity Scheme - Large Cap Fund", "Debt Scheme - Liquid Fund"}
    assert len(body["amc"]) == 2
    assert list(client.get("/api/v1/portfolio/allocation?by=amc").json()) == ["amc"]


# ------------------------------------------------------------------------------ imports through the API


def test_cas_upload_through_the_api(
    in_alpha, api_for, cas_statement, private_storage, celery_eager, django_capture_on_commit_callbacks
):
    from apps.demo.casgen import statement_render_pdf

    from .conftest import CAS_PASSWORD

    investor = InvestorFactory(full_name="Asha Verma")  # the statement holder's name (no PAN on file)
    client = api_for(investor)
    pdf = statement_render_pdf(cas_statement(), password=CAS_PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", {"file": _file(pdf), "password": CAS_PASSWORD}, format="multipart")

    assert response.status_code == 202, response.content
    import_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/{import_id}").json()
    assert status["status"] == "done", status
    assert status["stage"] == "finished" and status["percent"] == 100
    assert status["transactions_created"] > 100 and status["error"] is None
    assert client.get("/api/v1/portfolio/summary").json()["holdings_count"] == 5
    listed = client.get("/api/v1/imports").json()["results"]
    assert [r["id"] for r in listed] == [import_id]


@pytest.mark.parametrize(
    ("content", "password", "code", "http"),
    [
        (b"not a pdf", "x", "corrupt_pdf", 400),
        (None, "WRONG00000", "wrong_password", 400),
    ],
)
def test_cas_upload_errors_through_the_api(
    in_alpha, api_for, cas_statement, private_storage, content, password, code, http
):
    from apps.demo.casgen import statement_render_pdf

    from .conftest import CAS_PASSWORD

    client = api_for(InvestorFactory())
    content = content or statement_render_pdf(cas_statement(), password=CAS_PASSWORD)

    response = client.post("/api/v1/imports", {"file": _file(content), "password": password}, format="multipart")

    assert response.status_code == http
    body = response.json()
    assert body["code"] == code and body["message"]
    record = body["extra"]["import"]
    assert record["status"] == "failed" and record["error"]["code"] == code
    assert client.get(f"/api/v1/imports/{record['id']}").json()["error"]["code"] == code


def test_oversize_upload_is_413(in_alpha, api_for, settings, private_storage):
    settings.CAS_UPLOAD_MAX_BYTES = 1024 * 1024
    client = api_for(InvestorFactory())
    response = client.post(
        "/api/v1/imports", {"file": _file(b"%PDF-1.4\n" + b"x" * (1024 * 1024)), "password": "x"}, format="multipart"
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not any(private_storage.rglob("*.pdf"))


def test_upload_requires_a_file(in_alpha, api_for):
    response = api_for(InvestorFactory()).post("/api/v1/imports", {"password": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["extra"]["fields"]


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("cas.pdf", content, content_type="application/pdf")
