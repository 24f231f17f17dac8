"""Statements: asked for through the API, rendered by the task into a private file, downloaded through a
signed link that expires; the PDF's text (pdftotext) carries the brand and the API's figures."""

import subprocess

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.reports.models import Statement


@pytest.fixture
def private_storage(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def _ask(client, django_capture_on_commit_callbacks, celery_eager, **body):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/statements", body, format="json")
    assert response.status_code == 202, response.json()
    return response.json()


def _download(url: str, host: str = "alpha.localhost"):
    path = url.split(host, 1)[1] if host in url else url
    return APIClient(HTTP_HOST=host).get(path)


def test_capital_gains_statement_carries_the_brand_and_the_api_figures(
    ledger, api_for, tenant_alpha, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    client = api_for(ledger["asha"])

    queued = _ask(
        client, django_capture_on_commit_callbacks, celery_eager, kind="capital_gains", financial_year="2024-25"
    )

    assert queued["status"] == "queued" and queued["download_url"] is None
    body = client.get(f"/api/v1/statements/{queued['id']}").json()
    assert body["status"] == "done" and body["percent"] == 100 and body["page_count"] >= 1
    response = _download(body["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "capital-gains-2024-25.pdf" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    api = client.get("/api/v1/tax/capital-gains?fy=2024-25").json()
    assert tenant_alpha.branding.display_name in text and tenant_alpha.arn in text
    assert "Capital gains statement" in text and "Financial year 2024-25" in text
    assert "Asha" in text and "Mutual fund investments are subject to market risks" in text
    # the figures of the API: the indexed lot, the 50AA lot, the grandfathered cost and the tax estimate
    assert "11,451.10" in text and "1,048.90" in text and "699.50" in text and "900.00" in text
    assert api["summary"]["tax_estimated"] == "209.78" and "209.78" in text
    assert "1,420.00 of 1,25,000.00" in text
    # stored privately, with the owner's permissions only
    stored = Statement.objects.get(public_id=queued["id"])
    path = settings.PRIVATE_STORAGE_ROOT / stored.stored_path
    assert path.exists() and oct(path.stat().st_mode)[-3:] == "600"


def test_transaction_and_portfolio_statements(
    ledger, api_for, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    client = api_for(ledger["asha"])

    txn = _ask(
        client, django_capture_on_commit_callbacks, celery_eager,
        kind="transactions", period_from="2024-01-01", period_to="2024-12-31",
    )  # fmt: skip
    folio = _ask(client, django_capture_on_commit_callbacks, celery_eager, kind="portfolio")

    text = pdf_text(b"".join(_download(client.get(f"/api/v1/statements/{txn['id']}").json()["download_url"])))
    assert "Transaction statement" in text and "01-Jan-2024 to 31-Dec-2024" in text
    assert "Switch out" in text and "-1,120.00" in text and "10-Sep-2024" in text
    assert "01-Jun-2017" not in text  # outside the period
    text = pdf_text(b"".join(_download(client.get(f"/api/v1/statements/{folio['id']}").json()["download_url"])))
    assert "Portfolio valuation statement" in text and ledger["equity_b"].name[:30] in text


def test_bad_requests_write_nothing(ledger, api_for):
    client = api_for(ledger["asha"])

    for body, code in [
        ({"kind": "transactions", "period_from": "2024-02-01"}, "period_required"),
        ({"kind": "transactions", "period_from": "2024-02-01", "period_to": "2024-01-01"}, "invalid_period"),
        ({"kind": "capital_gains", "financial_year": "2024"}, "invalid_financial_year"),
        ({"kind": "horoscope"}, "validation_error"),
    ]:
        response = client.post("/api/v1/statements", body, format="json")
        assert response.status_code == 400 and response.json()["code"] == code
    assert not Statement.objects.filter(investor=ledger["asha"]).exists()


def test_another_investors_statement_and_link_answer_404(
    ledger, api_for, tenant_alpha, private_storage, django_capture_on_commit_callbacks, celery_eager, settings
):
    asha, bala = api_for(ledger["asha"]), api_for(ledger["bala"])
    mine = _ask(asha, django_capture_on_commit_callbacks, celery_eager, kind="portfolio")
    theirs = _ask(bala, django_capture_on_commit_callbacks, celery_eager, kind="portfolio")
    link = asha.get(f"/api/v1/statements/{mine['id']}").json()["download_url"]
    their_link = bala.get(f"/api/v1/statements/{theirs['id']}").json()["download_url"]

    # Bala cannot see Asha's statement, nor list it
    assert bala.get(f"/api/v1/statements/{mine['id']}").status_code == 404
    assert [s["id"] for s in bala.get("/api/v1/statements").json()["results"]] == [theirs["id"]]
    # Bala's signed token does not open Asha's statement, and a tampered token opens nothing
    their_token = their_link.split("token=", 1)[1]
    assert _download(link.split("?")[0] + f"?token={their_token}").status_code == 404
    assert _download(link[:-3] + "abc").status_code == 404
    # the link does not work at another distributor
    assert _download(link, host="beta.localhost").status_code == 404
    assert _download(link.replace("alpha.localhost", "beta.localhost"), host="beta.localhost").status_code == 404
    # and it expires
    assert _download(link).status_code == 200
    settings.REPORTS_STATEMENT_LINK_SECONDS = -1
    assert _download(link).status_code == 404


def test_staff_batch_for_every_investor_of_a_year(
    ledger, in_alpha, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    from apps.accounts.models import Investor
    from apps.reports.selectors import statement_batch_progress
    from apps.reports.services import statement_batch_request

    with django_capture_on_commit_callbacks(execute=True):
        batch = statement_batch_request(kind="capital_gains", financial_year="2024-25", requested_by=None)

    progress = statement_batch_progress(batch=batch)
    assert batch.total == Investor.objects.count() >= 2
    assert progress == {"total": batch.total, "done": batch.total, "failed": 0, "percent": 100, "finished": True}
    assert set(batch.statements.values_list("financial_year", flat=True)) == {"2024-25"}


def test_a_statement_that_cannot_render_is_marked_failed(ledger, in_alpha, private_storage, monkeypatch):
    from apps.reports import rendering
    from apps.reports.models import StatementStatus

    statement = Statement.objects.create(investor=ledger["asha"], kind="portfolio")
    monkeypatch.setattr(rendering, "statement_pdf_render", lambda *a, **k: 1 / 0)

    result = rendering.statement_render(statement_id=statement.pk)

    assert result.status == StatementStatus.FAILED and "ZeroDivisionError" in result.error_message
    assert not result.stored_path


def test_family_statement_holds_members_who_consented_only(
    ledger, api_for, in_alpha, make_investor, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    from apps.portfolio.models import FamilyLink

    pending = make_investor(name="Chitra Pending")
    FamilyLink.objects.create(owner=ledger["asha"], member=ledger["bala"], status=FamilyLink.Status.ACTIVE)
    FamilyLink.objects.create(owner=ledger["asha"], member=pending, status=FamilyLink.Status.PENDING)
    client = api_for(ledger["asha"])

    family = _ask(client, django_capture_on_commit_callbacks, celery_eager, kind="family")

    text = pdf_text(b"".join(_download(client.get(f"/api/v1/statements/{family['id']}").json()["download_url"])))
    assert "Family portfolio statement" in text and "2 member(s)" in text
    assert "Asha" in text and "Bala" in text and "Chitra Pending" not in text


def test_statements_past_their_retention_are_purged_with_their_files(
    ledger, in_alpha, private_storage, django_capture_on_commit_callbacks, celery_eager, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from apps.reports.rendering import statement_path, statements_purge_expired
    from apps.reports.services import statement_request

    settings.REPORTS_STATEMENT_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        old = statement_request(investor=ledger["asha"], kind="portfolio")
        new = statement_request(investor=ledger["asha"], kind="portfolio")
    old.refresh_from_db()
    new.refresh_from_db()
    Statement.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    old_file = statement_path(old)
    assert old_file.exists()

    purged = statements_purge_expired()

    assert purged >= 1 and not old_file.exists() and not Statement.objects.filter(pk=old.pk).exists()
    assert statement_path(new).exists() and Statement.objects.filter(pk=new.pk).exists()
