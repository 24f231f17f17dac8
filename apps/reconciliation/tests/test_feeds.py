"""Feed files in every form they are mailed in read to the same records; bad files are refused with
their reason. Feeds are built from the registrars' real header lists."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from apps.reconciliation.feeds.containers import FeedRefused, table_read
from apps.reconciliation.feeds.layouts import layout_detect
from apps.reconciliation.feeds.records import records_from_table
from apps.reconciliation.tests import feedfiles as ff

CAMS_ROWS = [
    {"AMC_CODE": "B", "FOLIO_NO": "1234567/89", "PRODCODE": "B02G", "SCHEME": "Test Equity Fund Growth",
     "INV_NAME": "JANE Q EXAMPLE", "TRXNTYPE": "P", "TRXNNO": "345678901", "TRXNSTAT": "", "USRTRXNO": "O2611ABCD",
     "TRADDATE": date(2026, 11, 20), "PURPRICE": Decimal("51.2345"), "UNITS": Decimal("97.5720"),
     "AMOUNT": Decimal("4999.75"), "BROKCODE": "ARN-100001", "BROKPERC": Decimal("0.5000"),
     "BROKCOMM": Decimal("24.99"), "PAN": "ABCDE1234F", "EUIN": "E123456", "TRXN_NATUR": "Purchase"},
    {"AMC_CODE": "B", "FOLIO_NO": "1234567/89", "PRODCODE": "B02G", "SCHEME": "Test Equity Fund Growth",
     "INV_NAME": "JANE Q EXAMPLE", "TRXNTYPE": "R", "TRXNNO": "345678902", "TRXNSTAT": "",
     "TRADDATE": date(2026, 11, 21), "PURPRICE": Decimal("52.0000"), "UNITS": Decimal("-10.0000"),
     "AMOUNT": Decimal("-520.00"), "BROKCODE": "ARN-100001", "BROKCOMM": Decimal("0.00"), "PAN": "ABCDE1234F",
     "EUIN": "", "REVERSAL_C": "", "TRXN_NATUR": "Redemption"},
    {"AMC_CODE": "B", "FOLIO_NO": "1234567/89", "PRODCODE": "B02G", "SCHEME": "Test Equity Fund Growth",
     "INV_NAME": "JANE Q EXAMPLE", "TRXNTYPE": "P", "TRXNNO": "345678903", "TRXNSTAT": "",
     "TRADDATE": date(2026, 11, 22), "PURPRICE": Decimal("51.0000"), "UNITS": Decimal("-97.5720"),
     "AMOUNT": Decimal("-4999.75"), "BROKCODE": "ARN-100001", "BROKCOMM": Decimal("0.00"), "PAN": "ABCDE1234F",
     "EUIN": "", "REVERSAL_C": "R1", "ORIGINAL_T": "345678901", "TRXN_NATUR": "Purchase Reversal"},
]  # fmt: skip


def _records(content: bytes, *, name: str = "feed", password: str = ""):
    table = table_read(content=content, filename=name, password=password)
    layout = layout_detect(table.header)
    assert layout is not None, table.header[:5]
    return layout.code, table.container, records_from_table(table=table, layout=layout)


def _cams(form: str) -> bytes:
    head = ff.header("cams_dbf")
    rows = ff.rows_for(head, CAMS_ROWS)
    return {"dbf": ff.as_dbf, "xls": ff.as_xls, "xlsx": ff.as_xlsx, "csv": ff.as_csv, "pipe": ff.as_pipe}[form](
        head, rows
    )


@pytest.mark.parametrize("form", ["dbf", "xls", "xlsx", "csv", "pipe"])
def test_cams_wbr2_reads_the_same_in_every_form(form):
    layout, container, records = _records(_cams(form))
    _, _, expected = _records(_cams("csv"))
    assert (layout, container) == ("cams_wbr2", form)
    assert records == expected
    purchase, redemption, reversal = records
    assert (purchase.kind, purchase.units, purchase.amount, purchase.nav) == (
        "purchase", Decimal("97.5720"), Decimal("4999.75"), Decimal("51.2345"),
    )  # fmt: skip
    assert (purchase.trade_date, purchase.euin, purchase.brokerage, purchase.user_txn_no) == (
        date(2026, 11, 20), "E123456", Decimal("24.99"), "O2611ABCD",
    )  # fmt: skip
    assert (redemption.kind, redemption.units, redemption.reversal) == ("redemption", Decimal("10.0000"), False)
    assert (reversal.reversal, reversal.original_txn_no) == (True, "345678901")


def test_cams_long_names_and_password_protected_zip_read_the_same():
    head = ff.header("cams_long")
    long_rows = [{k.lower().replace("applicatio", "application_no").replace("trxn_natur", "trxn_nature")
                  .replace("reversal_c", "reversal_code").replace("original_t", "original_trxnno"): v
                  for k, v in row.items()} for row in CAMS_ROWS]  # fmt: skip
    content = ff.as_csv(head, ff.rows_for(head, long_rows))
    _, _, expected = _records(_cams("dbf"))
    for archive in (ff.as_zip(content, inner_name="R2.csv", password="s3cret"),
                    ff.as_zip(_cams("dbf"), inner_name="R2.dbf", password="s3cret", aes=False)):  # fmt: skip
        layout, container, records = _records(archive, password="s3cret")
        assert layout == "cams_wbr2" and container.startswith("zip+")
        assert records == expected


def test_kfintech_transactions_in_dbf_and_excel_forms_and_aum_feeds():
    row = {"TD_FUND": "128", "TD_SCHEME": "EG", "TD_PLAN": "GR", "TD_ACNO": "9988776655", "FUNDDESC": "Test Fund",
           "TD_PURRED": "P", "TD_TRNO": "77001", "TD_TRDT": date(2026, 11, 20), "TD_UNITS": Decimal("10.1234"),
           "TD_AMT": Decimal("1000.00"), "TD_NAV": Decimal("98.7800"), "BROKCOMM": Decimal("5.00"),
           "SCHEMEISIN": "INF000K01AB1", "PAN1": "ABCDE1234F", "TD_TRTYPE": "NEW"}  # fmt: skip
    dbf_head = ff.header("kfintech_dbf")
    excel_head = ff.header("kfintech_excel")
    _, _, from_dbf = _records(ff.as_dbf(dbf_head, ff.rows_for(dbf_head, [row])))
    excel_row = {("SchemeISIN" if k == "SCHEMEISIN" else "td_nav" if k == "TD_NAV" else k): v for k, v in row.items()}
    _, _, from_xlsx = _records(ff.as_xlsx(excel_head, ff.rows_for(excel_head, [excel_row])))
    assert from_dbf == from_xlsx
    (record,) = from_dbf
    assert (record.scheme_code, record.isin, record.kind, record.units) == (
        "EGGR", "INF000K01AB1", "purchase", Decimal("10.1234"),
    )  # fmt: skip
    # AUM: CAMS WBR22 and KFintech MFSD203 by their real field lists
    wbr22 = ff.header("cams_wbr22")
    layout, _, (balance,) = _records(ff.as_pipe(wbr22, ff.rows_for(wbr22, [
        {"FOLIO": "1234567/89", "PRODUCT": "B02G", "SCHEME_NAM": "Test", "UNITS": Decimal("87.5720"),
         "NAV": Decimal("52.0000"), "ASSET_DATE": date(2026, 11, 25)}])))  # fmt: skip
    assert (layout, balance.units, balance.as_of) == ("cams_wbr22", Decimal("87.5720"), date(2026, 11, 25))
    mfsd203 = ff.header("kfintech_mfsd203")
    layout, _, (balance,) = _records(ff.as_xlsx(mfsd203, ff.rows_for(mfsd203, [
        {"PRCODE": "EGGR", "FUND": "128", "ACNO": "9988776655", "BALUNITS": Decimal("10.1234"),
         "TODATE": date(2026, 11, 25)}])))  # fmt: skip
    assert (layout, balance.scheme_code, balance.units) == ("kfintech_mfsd203", "EGGR", Decimal("10.1234"))
    wbr9 = ff.header("cams_wbr9")
    layout, _, (holder,) = _records(
        ff.as_csv(
            wbr9,
            ff.rows_for(
                wbr9,
                [{"foliochk": "1234567/89", "inv_name": "JANE Q EXAMPLE", "product": "B02G", "pan_no": "ABCDE1234F"}],
            ),
        )
    )
    assert (layout, holder.pan) == ("cams_wbr9", "ABCDE1234F")


AMFI_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "amfi"


@pytest.mark.parametrize(
    ("make", "password", "code"),
    [
        (lambda: (AMFI_DIR / "amfi_NAVAll_bad_download_404.html").read_bytes(), "", "html"),
        (lambda: (AMFI_DIR / "amfi_NAVAll_bad_download_document_moved.html").read_bytes(), "", "html"),
        (lambda: (AMFI_DIR / "mfscreener_fixture_amfi_6_column.txt").read_bytes(), "", "unknown_layout"),
        (lambda: _cams("dbf")[:-60], "", "truncated"),
        (lambda: _cams("csv")[:-40], "", "truncated"),
        (lambda: ff.as_zip(_cams("csv"), inner_name="R2.csv", password="right")[:-80], "right", "truncated"),
        (lambda: ff.as_zip(_cams("csv"), inner_name="R2.csv", password="right"), "wrong", "wrong_password"),
        (lambda: ff.as_zip(_cams("csv"), inner_name="R2.csv", password="right"), "", "password_required"),
        (lambda: ff.as_csv(["FOLIO", "AMOUNT"], [["1", "2"]]), "", "unknown_layout"),
        (lambda: b"   \n", "", "empty"),
    ],
    ids=[
        "html-404",
        "html-moved",
        "amfi-nav",
        "dbf-cut",
        "csv-cut",
        "zip-cut",
        "wrong-password",
        "no-password",
        "foreign-header",
        "empty",
    ],  # fmt: skip
)
def test_bad_files_are_refused_with_their_reason(make, password, code):
    with pytest.raises(FeedRefused) as refused:
        table = table_read(content=make(), filename="feed", password=password)
        if layout_detect(table.header) is None:
            raise FeedRefused("no layout", code="unknown_layout")
    assert refused.value.code == code
