"""The registrars' mailback layouts this product reads, recognised by their header row.

CAMS mails WBR2 (transactions; DBF with 10-character field names, or long names in XLS/CSV), WBR9 (folio
and investor master) and WBR22 (AUM per folio and scheme). KFintech mails its transaction feed (DBF names
or Excel long names), MFSD203 (AUM) and MFSD211 (investor master). Each layout names the canonical fields
this product uses and every column name they go by across the forms of the file; detection needs the
layout's distinctive columns, compared case-insensitively and ignoring surrounding spaces."""

from __future__ import annotations

from dataclasses import dataclass, field


class Kind:
    TRANSACTIONS = "transactions"
    AUM = "aum"
    INVESTORS = "investors"


@dataclass(frozen=True)
class Layout:
    code: str
    registrar: str  # cams / kfintech
    kind: str
    label: str
    required: frozenset[str]  # lower-case header names that identify the layout
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> column names (lower-case)


def _f(**names: str) -> dict[str, tuple[str, ...]]:
    return {key: tuple(n.strip().lower() for n in value.split(",") if n.strip()) for key, value in names.items()}


CAMS_WBR2 = Layout(
    code="cams_wbr2",
    registrar="cams",
    kind=Kind.TRANSACTIONS,
    label="CAMS WBR2 transactions",
    required=frozenset({"amc_code", "folio_no", "prodcode", "trxntype", "trxnno", "traddate", "units", "amount"}),
    fields=_f(
        amc="amc_code",
        folio="folio_no",
        scheme_code="prodcode",
        scheme_name="scheme",
        investor_name="inv_name",
        txn_type="trxntype",
        txn_no="trxnno",
        txn_mode="trxnmode",
        txn_status="trxnstat",
        user_txn_no="usrtrxno",
        trade_date="traddate",
        post_date="postdate",
        nav="purprice",
        units="units",
        amount="amount",
        broker_code="brokcode",
        sub_broker="subbrok",
        brokerage_percent="brokperc",
        brokerage="brokcomm",
        application_no="applicatio,application_no",
        nature="trxn_natur,trxn_nature",
        pan="pan",
        isin="",
        euin="euin",
        sip_no="siptrxnno",
        reversal_code="reversal_c,reversal_code",
        exchange_flag="exchange_f,exchange_flag",
        original_txn_no="original_t,original_trxnno",
        stamp_duty="stamp_duty",
        remarks="remarks,rev_remark",
    ),
)

KFINTECH_TXN = Layout(
    code="kfintech_txn",
    registrar="kfintech",
    kind=Kind.TRANSACTIONS,
    label="KFintech transactions",
    required=frozenset({"td_fund", "td_acno", "td_trno", "td_purred", "td_trdt", "td_units", "td_amt"}),
    fields=_f(
        amc="td_fund",
        folio="td_acno",
        scheme_code="td_scheme",
        plan_code="td_plan",
        scheme_name="funddesc",
        investor_name="invname",
        txn_type="td_trtype",
        purred="td_purred",
        txn_no="td_trno",
        txn_mode="trnmode",
        txn_status="trnstat",
        user_txn_no="unqno",
        trade_date="td_trdt",
        post_date="td_prdt",
        nav="td_nav",
        units="td_units",
        amount="td_amt",
        broker_code="td_broker,td_agent",
        sub_broker="subarncode",
        brokerage_percent="brokper",
        brokerage="brokcomm",
        application_no="td_appno",
        nature="trdesc",
        pan="pan1",
        isin="schemeisin",
        euin="euin",
        sip_no="",
        reversal_code="",
        exchange_flag="exchorgtrtype",
        original_txn_no="rejtrnoor2,rejtrnoorgno",
        stamp_duty="stampduty",
        remarks="nctremarks",
    ),
)

CAMS_WBR22 = Layout(
    code="cams_wbr22",
    registrar="cams",
    kind=Kind.AUM,
    label="CAMS WBR22 AUM",
    required=frozenset({"folio", "product", "scheme_nam", "units", "asset_date"}),
    fields=_f(
        folio="folio",
        scheme_code="product",
        scheme_name="scheme_nam",
        units="units",
        nav="nav",
        value="closing_as",
        as_of="asset_date",
        investor_name="inv_name",
        broker_code="brok_dlr_c",
        isin="",
    ),
)

KFINTECH_MFSD203 = Layout(
    code="kfintech_mfsd203",
    registrar="kfintech",
    kind=Kind.AUM,
    label="KFintech MFSD203 AUM",
    required=frozenset({"prcode", "fund", "acno", "balunits"}),
    fields=_f(
        folio="acno",
        scheme_code="prcode",
        amc="fund",
        scheme_name="funddesc",
        units="balunits",
        nav="lnav",
        value="valinv",
        as_of="todate,trdate",
        investor_name="inv_name",
        broker_code="brokcode",
        isin="schemeisin",
    ),
)

KFINTECH_AUM_EXCEL = Layout(
    code="kfintech_aum_excel",
    registrar="kfintech",
    kind=Kind.AUM,
    label="KFintech AUM (Excel)",
    required=frozenset({"product code", "fund", "folio number", "balance"}),
    fields=_f(
        folio="folio number",
        scheme_code="product code",
        amc="fund",
        scheme_name="fund description",
        units="balance",
        nav="nav",
        value="aum",
        as_of="to date,report date",
        investor_name="investor name",
        broker_code="broker code",
        isin="schemeisin",
    ),
)

CAMS_WBR9 = Layout(
    code="cams_wbr9",
    registrar="cams",
    kind=Kind.INVESTORS,
    label="CAMS WBR9 folio master",
    required=frozenset({"foliochk", "inv_name", "product", "pan_no"}),
    fields=_f(
        folio="foliochk",
        scheme_code="product",
        investor_name="inv_name",
        pan="pan_no",
        email="email",
        mobile="mobile_no",
        amc="amc_code",
    ),  # fmt: skip
)

KFINTECH_MFSD211 = Layout(
    code="kfintech_mfsd211",
    registrar="kfintech",
    kind=Kind.INVESTORS,
    label="KFintech MFSD211 investor master",
    required=frozenset({"prcode", "fund", "acno", "inv_name", "address1", "pin"}),
    fields=_f(
        folio="acno",
        scheme_code="prcode",
        amc="fund",
        investor_name="inv_name",
        pan="pan",
        email="email",
        mobile="mobile",
    ),  # fmt: skip
)

# most specific first: MFSD211 shares its key columns with MFSD203 (which has BALUNITS on top)
LAYOUTS: tuple[Layout, ...] = (
    CAMS_WBR2,
    KFINTECH_TXN,
    KFINTECH_MFSD203,
    KFINTECH_AUM_EXCEL,
    CAMS_WBR22,
    CAMS_WBR9,
    KFINTECH_MFSD211,
)


def layout_detect(header: list[str]) -> Layout | None:
    names = {str(name or "").strip().lower() for name in header}
    for layout in LAYOUTS:
        if layout.required <= names:
            return layout
    return None
