import io
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.demo.casgen import statement_render_pdf, statement_window
from apps.portfolio.models import CasImport, Holding, Lot, Transaction
from apps.portfolio.services.cas_import import CasImportError, cas_import_process, cas_upload_accept
from tests.factories import InvestorFactory

from .conftest import CAS_PASSWORD

HOLDER = "Asha Verma"  # the generated statements' holder: an investor without a PAN on file matches by name

D = Decimal


def upload(investor, pdf: bytes, password: str = CAS_PASSWORD, name: str = "cas.pdf"):
    return cas_upload_accept(
        investor=investor, upload=SimpleUploadedFile(name, pdf, "application/pdf"), password=password
    )


def import_pdf(investor, pdf: bytes, password: str = CAS_PASSWORD) -> CasImport:
    cas_import = upload(investor, pdf, password)
    return cas_import_process(import_id=cas_import.pk)


def statement_units(statement):
    return {(f.number, s.rta_code): s.close for f in statement.folios for s in f.schemes}


def ledger_units(investor):
    return {
        (h.folio.folio_number, h.source_rta_code): h.units
        for h in Holding.objects.filter(investor=investor).select_related("folio")
    }


@pytest.mark.parametrize("issuer", ["CAMS", "KFINTECH"])
def test_generated_cas_becomes_a_valued_ledger(in_alpha, cas_statement, private_storage, issuer):
    investor = InvestorFactory(pan=CAS_PASSWORD)
    statement = cas_statement(issuer=issuer)

    result = import_pdf(investor, statement_render_pdf(statement, password=CAS_PASSWORD))

    assert result.status == "done", result.error_message
    assert (result.stage, result.percent) == ("finished", 100)
    assert result.registrar == issuer and result.statement_type == "DETAILED"
    assert (result.period_from, result.period_to) == (date(2021, 1, 1), date(2024, 12, 31))
    assert result.transactions_found == statement.transaction_count
    assert result.transactions_created == statement.transaction_count
    assert result.transactions_duplicate == 0
    assert result.schemes_found == 5 and result.schemes_unmapped == 1
    assert result.mismatches == []
    assert ledger_units(investor) == statement_units(statement)
    # the scheme the funds master does not know is kept and flagged, valued at the statement's NAV
    unmapped = Holding.objects.get(investor=investor, scheme__isnull=True)
    assert unmapped.needs_review and unmapped.mapped_by == "unmapped"
    assert unmapped.nav_date == date(2024, 12, 31) and unmapped.value > 0
    mapped = Holding.objects.filter(investor=investor, scheme__isnull=False)
    assert {h.mapped_by for h in mapped} == {"isin"}
    assert all(h.value > 0 and h.xirr is not None for h in mapped)
    assert investor.valuation.value == sum(h.value for h in Holding.objects.filter(investor=investor))
    # every kind the generator writes arrived with its own kind
    kinds = set(Transaction.objects.filter(investor=investor).values_list("kind", flat=True))
    assert {"purchase", "sip", "stamp_duty", "redemption", "stt", "switch_in", "switch_out"} <= kinds
    assert {"dividend_payout", "dividend_reinvest", "tds", "reversal"} <= kinds
    # the file and its password are gone
    assert result.stored_path == "" and result.password_encrypted == ""
    assert not any(private_storage.rglob("*.pdf"))


def test_reimport_of_the_same_statement_adds_nothing(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    pdf = statement_render_pdf(cas_statement(), password=CAS_PASSWORD)
    first = import_pdf(investor, pdf)
    lots_before = Lot.objects.filter(holding__investor=investor).count()

    second = import_pdf(investor, pdf)

    assert second.status == "done"
    assert second.transactions_created == 0
    assert second.transactions_duplicate == first.transactions_created
    assert Transaction.objects.filter(investor=investor).count() == first.transactions_created
    assert Lot.objects.filter(holding__investor=investor).count() == lots_before


@pytest.mark.parametrize("narrow_first", [True, False])
def test_overlapping_statements_merge_without_duplicates(in_alpha, cas_statement, private_storage, narrow_first):
    investor = InvestorFactory(full_name=HOLDER)
    full = cas_statement(period_from=date(2021, 1, 1), period_to=date(2024, 12, 31))
    early = statement_window(full, period_from=date(2021, 1, 1), period_to=date(2023, 6, 30))
    late = statement_window(full, period_from=date(2022, 7, 1), period_to=date(2024, 12, 31))
    order = [early, late] if narrow_first else [full, late, early]

    results = [import_pdf(investor, statement_render_pdf(s, password=CAS_PASSWORD)) for s in order]

    assert all(r.status == "done" and r.mismatches == [] for r in results), [r.mismatches for r in results]
    assert Transaction.objects.filter(investor=investor).count() == full.transaction_count
    assert ledger_units(investor) == statement_units(full)
    # a statement that starts later has an opening balance, but earlier lines are known: cost is complete
    assert not Holding.objects.filter(investor=investor, cost_incomplete=True).exists()


def test_a_statement_with_an_opening_balance_has_units_of_unknown_cost(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    late = statement_window(cas_statement(), period_from=date(2023, 1, 1), period_to=date(2024, 12, 31))

    result = import_pdf(investor, statement_render_pdf(late, password=CAS_PASSWORD))

    assert result.status == "done" and result.mismatches == []
    holding = Holding.objects.filter(investor=investor, opening_units__gt=0).first()
    assert holding.cost_incomplete and holding.xirr is None
    assert ledger_units(investor) == statement_units(late)


def test_closing_balance_mismatch_is_flagged_not_hidden(in_alpha, cas_statement, private_storage):
    import casparser

    from apps.portfolio.services.cas_import import cas_data_import

    investor = InvestorFactory(full_name=HOLDER)
    path = private_storage / "x.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(statement_render_pdf(cas_statement(), password=CAS_PASSWORD))
    data = casparser.read_cas_pdf(str(path), CAS_PASSWORD)
    scheme = data.folios[0].schemes[0]
    scheme.close = scheme.close + D("10.5")  # the statement says more than its lines add up to
    cas_import = CasImport.objects.create(investor=investor)

    result = cas_data_import(cas_import=cas_import, data=data)

    assert result.status == "done"
    assert len(result.mismatches) == 1
    mismatch = result.mismatches[0]
    assert mismatch["isin"] == scheme.isin and D(mismatch["difference"]) == D("-10.5")


def test_our_orders_are_not_counted_twice_when_the_cas_arrives(in_alpha, cas_statement, cas_universe, private_storage):
    from apps.portfolio.services import transaction_record

    investor = InvestorFactory(full_name=HOLDER)
    statement = cas_statement()
    folio = statement.folios[0]
    line = folio.schemes[0].transactions[0]
    schemes, _ = cas_universe
    transaction_record(
        investor=investor,
        scheme=schemes[0],
        folio_number=folio.number,
        kind="purchase",
        trade_date=line.date,
        amount=line.amount,
        units=line.units,
        nav=line.nav,
        source="order",
        source_ref="ORD-1",
    )

    result = import_pdf(investor, statement_render_pdf(statement, password=CAS_PASSWORD))

    assert result.transactions_duplicate == 1
    assert result.mismatches == []
    assert ledger_units(investor) == statement_units(statement)


def test_a_failure_midway_leaves_nothing_behind(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    pdf = statement_render_pdf(cas_statement(), password=CAS_PASSWORD)
    calls = {"n": 0}
    from apps.portfolio.services import cas_import as module

    real = module.holding_rebuild

    def flaky(*, holding):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(holding=holding)

    with mock.patch.object(module, "holding_rebuild", flaky):
        result = import_pdf(investor, pdf)

    assert result.status == "failed" and result.error_code == "internal_error"
    assert not Transaction.objects.filter(investor=investor).exists()
    assert not Holding.objects.filter(investor=investor).exists()
    assert not any(private_storage.rglob("*.pdf"))


# ------------------------------------------------------------------------------ bad input


def _plain_pdf(text: str, password: str | None = None, pages: int = 1) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    encrypt = StandardEncryption(password, strength=128) if password else None
    c = canvas.Canvas(buffer, encrypt=encrypt)
    for page in range(pages):
        c.drawString(72, 720, f"{text} page {page + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def _failed_upload(investor, pdf, password=CAS_PASSWORD) -> CasImport:
    with pytest.raises(CasImportError):
        upload(investor, pdf, password)
    return CasImport.objects.filter(investor=investor).latest("created_at")


def test_wrong_password(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    record = _failed_upload(investor, statement_render_pdf(cas_statement(), password=CAS_PASSWORD), "WRONG1234X")
    assert record.status == "failed" and record.error_code == "wrong_password"
    assert "password" in record.error_message
    assert not any(private_storage.rglob("*.pdf"))


def test_not_a_cas(in_alpha, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    result = import_pdf(investor, _plain_pdf("Electricity bill for March", password=CAS_PASSWORD))
    assert result.status == "failed" and result.error_code == "not_a_cas"
    assert "not a consolidated account statement" in result.error_message


@pytest.mark.parametrize(
    "content",
    [b"this is not a pdf at all", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref", b""],
)
def test_corrupt_pdf(in_alpha, private_storage, content):
    investor = InvestorFactory(full_name=HOLDER)
    record = _failed_upload(investor, content)
    assert record.error_code == "corrupt_pdf"
    assert not any(private_storage.rglob("*.pdf"))


def test_truncated_pdf_is_corrupt(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    pdf = statement_render_pdf(cas_statement(), password=CAS_PASSWORD)
    record = _failed_upload(investor, pdf[: len(pdf) // 3])
    assert record.error_code == "corrupt_pdf"


def test_oversize(in_alpha, settings, private_storage):
    settings.CAS_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    investor = InvestorFactory(full_name=HOLDER)
    record = _failed_upload(investor, b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    assert record.error_code == "too_large" and "2 MB" in record.error_message
    assert record.stored_path == "" and not any(private_storage.rglob("*"))


def test_too_many_pages(in_alpha, settings, private_storage):
    settings.CAS_UPLOAD_MAX_PAGES = 3
    investor = InvestorFactory(full_name=HOLDER)
    record = _failed_upload(investor, _plain_pdf("CAMSCASWS", password=CAS_PASSWORD, pages=4))
    assert record.error_code == "too_many_pages" and "4 pages" in record.error_message


def test_unsupported_statement(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    # a registrar's document that is neither a detailed statement nor a summary
    pdf = statement_render_pdf(cas_statement(), password=CAS_PASSWORD, title="Capital Gains Report")
    result = import_pdf(investor, pdf)
    assert result.status == "failed" and result.error_code == "unsupported_statement"


def test_statement_of_another_pan_is_refused(in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(pan="ZZZZZ9999Z")
    result = import_pdf(investor, statement_render_pdf(cas_statement(), password=CAS_PASSWORD))
    assert result.status == "failed" and result.error_code == "pan_mismatch"
    assert not Transaction.objects.filter(investor=investor).exists()


# ------------------------------------------------------------------------------ holdings-only statements


def _summary_data(isin: str, units: str, nav: str, cost: str):
    from casparser.types import CASData

    return CASData.model_validate(
        {
            "statement_period": {"from": "01-Jan-2000", "to": "31-Mar-2025"},
            "investor_info": {"name": "Asha Verma", "email": "a@example.com", "address": "", "mobile": ""},
            "cas_type": "SUMMARY",
            "file_type": "CAMS",
            "folios": [
                {
                    "folio": "998877",
                    "amc": "HDFC Mutual Fund",
                    "PAN": CAS_PASSWORD,
                    "schemes": [
                        {
                            "scheme": "HDFC Flexi Cap Fund - Direct Plan - Growth Option",
                            "rta_code": "H02FCDG",
                            "rta": "CAMS",
                            "isin": isin,
                            "open": units,
                            "close": units,
                            "close_calculated": units,
                            "valuation": {"date": "2025-03-31", "nav": nav, "cost": cost, "value": "0"},
                            "transactions": [],
                        }
                    ],
                }
            ],
        }
    )


def test_summary_statement_gives_a_holding_with_its_cost(in_alpha, cas_universe):
    from apps.portfolio.services.cas_import import cas_data_import

    investor = InvestorFactory(full_name=HOLDER)
    schemes, _ = cas_universe
    data = _summary_data(schemes[0].isin_growth, "120.5", "50.25", "4000")

    result = cas_data_import(cas_import=CasImport.objects.create(investor=investor), data=data)

    assert result.status == "done" and result.statement_type == "SUMMARY" and result.mismatches == []
    holding = Holding.objects.get(investor=investor)
    assert holding.scheme == schemes[0] and holding.mapped_by == "isin"
    assert holding.units == D("120.5") and holding.invested == D("4000.00") and not holding.cost_incomplete
    # the same summary again changes nothing; a later, different balance is flagged
    cas_data_import(cas_import=CasImport.objects.create(investor=investor), data=data)
    assert Holding.objects.get(investor=investor).units == D("120.5")
    later = cas_data_import(
        cas_import=CasImport.objects.create(investor=investor),
        data=_summary_data(schemes[0].isin_growth, "130.5", "51", "4500"),
    )
    assert len(later.mismatches) == 1


def test_nsdl_statement_mutual_funds_are_imported(in_alpha, cas_universe):
    from casparser.types import NSDLCASData

    from apps.portfolio.services.cas_import import cas_data_import

    investor = InvestorFactory(full_name=HOLDER)
    schemes, _ = cas_universe
    data = NSDLCASData.model_validate(
        {
            "statement_period": {"from": "01-Mar-2025", "to": "31-Mar-2025"},
            "investor_info": {"name": "Asha Verma", "email": "", "address": "", "mobile": ""},
            "file_type": "NSDL",
            "accounts": [
                {
                    "name": "Asha Verma",
                    "type": "NSDL Demat Account",
                    "dp_id": "IN300000",
                    "client_id": "10000001",
                    "folios": 1,
                    "balance": "2000",
                    "owners": [{"name": "Asha Verma", "PAN": CAS_PASSWORD}],
                    "equities": [],
                    "mutual_funds": [
                        {
                            "name": "Axis ELSS",
                            "isin": schemes[2].isin_growth,
                            "balance": "40",
                            "nav": "50",
                            "value": "2000",
                        },
                        {
                            "name": "Unknown Demat Fund",
                            "isin": "INF000X01ZZ1",
                            "balance": "10",
                            "nav": "12",
                            "value": "120",
                        },
                    ],
                }
            ],
        }
    )

    result = cas_data_import(cas_import=CasImport.objects.create(investor=investor), data=data)

    assert result.status == "done" and result.registrar == "NSDL" and result.schemes_unmapped == 1
    holdings = {h.source_isin: h for h in Holding.objects.filter(investor=investor)}
    assert holdings[schemes[2].isin_growth].units == D("40")
    assert holdings[schemes[2].isin_growth].folio.folio_number == "IN30000010000001"
    unknown = holdings["INF000X01ZZ1"]
    assert unknown.needs_review and unknown.cost_incomplete and unknown.value == D("120.00")
