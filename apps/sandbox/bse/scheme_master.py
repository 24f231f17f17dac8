"""The simulated BSE's scheme master: every scheme of our AMFI master, as BSE StAR MF publishes its scheme
master file (pipe-separated, BSE's header, one row per BSE scheme code), at the moment it is asked.

BSE assigns its own scheme codes; the sandbox assigns them deterministically from the AMFI code, the AMC and
the option, so a code means the same scheme in every run and on every machine ("PAR122639-GR" for Parag
Parikh Flexi Cap Direct Growth, AMFI 122639). A scheme is listed once for its growth / payout ISIN and once
more for its reinvestment ISIN, under the same code with an "R" (BSE lists each ISIN under its own code).
BSE lists by ISIN, so an ISIN that does not name one scheme in our ISIN map (invalid, or given by AMFI to
two schemes) is left out. Minimums are the scheme's own where known, else the usual ₹500 / ₹100 / 0.001
units; closed-ended schemes and schemes without a NAV take no purchases, SIPs or switches."""

import re
from collections.abc import Iterator
from decimal import Decimal

from apps.funds.models import Scheme, SchemeCode

HEADER = (
    "Unique No|Scheme Code|RTA Scheme Code|AMC Scheme Code|ISIN|AMC Code|Scheme Type|Scheme Plan|Scheme Name|"
    "Purchase Allowed|Purchase Transaction mode|Minimum Purchase Amount|Additional Purchase Amount|"
    "Maximum Purchase Amount|Purchase Amount Multiplier|Purchase Cutoff Time|Redemption Allowed|"
    "Redemption Transaction Mode|Minimum Redemption Qty|Redemption Qty Multiplier|Maximum Redemption Qty|"
    "Redemption Amount - Minimum|Redemption Amount – Maximum|Redemption Amount Multiple|Redemption Cut off Time|"
    "RTA Agent Code|AMC Active Flag|Dividend Reinvestment Flag|SIP FLAG|STP FLAG|SWP Flag|Switch FLAG|"
    "SETTLEMENT TYPE|AMC_IND|Face Value|Start Date|End Date|Exit Load Flag|Exit Load|Lock-in Period Flag|"
    "Lock-in Period|Channel Partner Code|ReOpening Date"
)
DEFAULT_MIN_PURCHASE = Decimal("500")
DEFAULT_MIN_ADDITIONAL = Decimal("100")
_SUFFIX = {
    Scheme.Option.GROWTH: "GR",
    Scheme.Option.IDCW: "DP",
    Scheme.Option.IDCW_PAYOUT: "DP",
    Scheme.Option.IDCW_REINVEST: "DR",
    Scheme.Option.BONUS: "BN",
}
_REINVEST_FLAG = {Scheme.Option.GROWTH: "Z", Scheme.Option.IDCW_REINVEST: "Y"}
_SCHEME_TYPE = {
    Scheme.AssetClass.EQUITY: "EQUITY",
    Scheme.AssetClass.DEBT: "DEBT",
    Scheme.AssetClass.HYBRID: "HYBRID",
    Scheme.AssetClass.OTHER: "OTHER",
}
_PLAN = {Scheme.Plan.DIRECT: "DIRECT", Scheme.Plan.REGULAR: "NORMAL"}
_LETTERS = re.compile(r"[^A-Z]")


def bse_code_for(*, amfi_code: str, amc_code: str, option: str, reinvest: bool = False) -> str:
    """The sandbox's BSE scheme code for a scheme; its reinvestment ISIN's code ends in an extra "R"."""
    prefix = _LETTERS.sub("", (amc_code or "").upper())[:3] or "MF"
    return f"{prefix}{amfi_code}-{_SUFFIX.get(option, 'NA')}{'R' if reinvest else ''}"


def _amount(value: Decimal | None, default: Decimal) -> str:
    return f"{value if value is not None else default:.3f}"


def _row(number: int, scheme: dict, *, isin: str, reinvest: bool) -> str:
    tradable = scheme["is_open_ended"] and scheme["latest_nav"] is not None
    yes = "Y" if tradable else "N"
    amc_code = scheme["amc__code"] or ""
    rta = "CAMS" if (scheme["amc_id"] or 0) % 2 == 0 else "KARVY"
    fields = [
        str(number),
        bse_code_for(amfi_code=scheme["amfi_code"], amc_code=amc_code, option=scheme["option"], reinvest=reinvest),
        "",  # RTA scheme code: the registrars' own; the sandbox does not invent them (reconciliation maps by them)
        "",
        isin,
        amc_code[:40],
        _SCHEME_TYPE.get(scheme["asset_class"], "OTHER"),
        _PLAN.get(scheme["plan"], ""),
        " ".join(scheme["name"].replace("|", " ").split()).upper(),
        yes,
        "DP",
        _amount(scheme["min_purchase"], DEFAULT_MIN_PURCHASE),
        _amount(scheme["min_additional"], DEFAULT_MIN_ADDITIONAL),
        "9999999999.000",
        _amount(scheme["purchase_multiple"], Decimal("1")),
        "13:30:00" if scheme["is_liquid"] else "15:00:00",
        "Y" if scheme["is_open_ended"] else "N",
        "DP",
        _amount(scheme["min_redemption_units"], Decimal("0.001")),
        "0.001",
        "999999999.000",
        "0.000",
        "0.000",
        "0.000",
        "15:00:00",
        rta,
        "1",
        "Y" if reinvest else _REINVEST_FLAG.get(scheme["option"], "N"),
        yes,
        "N",
        "N",
        yes,
        "T1" if scheme["is_liquid"] else "T3",
        "",
        "10.000",
        "Jan  1 2000 12:00AM",
        "Dec 31 2099 12:00AM",
        "N",
        "",
        "Y" if scheme["lock_in_days"] else "N",
        str(scheme["lock_in_days"] // 365) if scheme["lock_in_days"] else "0",
        "",
        "",
    ]
    return "|".join(fields)


_COLUMNS = (
    "id", "amfi_code", "name", "amc_id", "amc__code", "isin_growth", "isin_reinvest", "plan", "option", "asset_class",
    "is_open_ended", "is_liquid", "lock_in_days", "latest_nav", "min_purchase", "min_additional",
    "purchase_multiple", "min_redemption_units",
)  # fmt: skip


def scheme_master_lines() -> Iterator[str]:
    """The file, line by line (CRLF-terminated, as BSE's downloads are)."""
    yield HEADER + "\r\n"
    mapped = set(SchemeCode.objects.filter(source=SchemeCode.Source.ISIN).values_list("scheme_id", "code"))
    number = 0
    for scheme in Scheme.objects.order_by("amfi_code").values(*_COLUMNS).iterator(chunk_size=2000):
        for isin, reinvest in ((scheme["isin_growth"], False), (scheme["isin_reinvest"], True)):
            if isin and (scheme["id"], isin) in mapped:
                number += 1
                yield _row(number, scheme, isin=isin, reinvest=reinvest) + "\r\n"
