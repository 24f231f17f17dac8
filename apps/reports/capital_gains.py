"""Capital gains on mutual-fund units by the Income-tax Act 1961, as pure functions over sold lots.

Nothing here touches the database: callers (apps.reports.selectors) hand in `SaleLot`s, one per FIFO lot a
sale consumed, and get `LotGain`s and a `YearSummary` back. Money is Decimal throughout, rounded to paise.

The rules, by sale date unless said otherwise:

- Tax class of the fund: equity-oriented (at least 65% in domestic equity), a "specified mutual fund"
  (Sec 50AA: at most 35% domestic equity up to FY 2024-25; from FY 2025-26 more than 65% in debt and money
  market instruments), or another non-equity fund. It follows from the scheme's asset class for tax
  (`tax_asset_class`), which platform staff can override per scheme.
- Specified-fund units bought on or after 1-Apr-2023: every gain short term, at slab rate (Sec 50AA).
- Equity: long term when held more than 12 months. STCG (111A) 15%, 20% from 23-Jul-2024; LTCG (112A) 10%,
  12.5% from 23-Jul-2024, above a yearly exemption of Rs 1 lakh (Rs 1.25 lakh for FY 2024-25 and later).
  Units bought on or before 31-Jan-2018: cost = max(actual cost, min(FMV on 31-Jan-2018, sale value)).
  A long-term equity sale before 1-Apr-2018 was exempt (Sec 10(38)).
- Other non-equity: long term when held more than 36 months (24 months for sales from 23-Jul-2024). LTCG
  (112) 20% on the indexed cost for sales before 23-Jul-2024, 12.5% without indexation from then.
  Short-term gains at slab rate.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal("0")
PAISA = Decimal("0.01")

GRANDFATHERING_DATE = date(2018, 1, 31)  # FMV date of Sec 55(2)(ac)
LTCG_112A_FROM = date(2018, 4, 1)  # before: long-term equity gains exempt under Sec 10(38)
SPECIFIED_FUND_FROM = date(2023, 4, 1)  # Sec 50AA covers units bought on or after this day
BUDGET_2024 = date(2024, 7, 23)  # new rates and holding periods for sales from this day
SPECIFIED_DEFINITION_CHANGE_FY = 2025  # FY 2025-26: "specified" means more than 65% debt


class TaxClass(StrEnum):
    EQUITY = "equity"
    SPECIFIED = "specified"
    NON_EQUITY = "non_equity"


class Term(StrEnum):
    SHORT = "short"
    LONG = "long"


class Section(StrEnum):
    STCG_EQUITY = "111A"
    LTCG_EQUITY = "112A"
    LTCG_OTHER = "112"
    SPECIFIED = "50AA"
    SLAB = "slab"
    EXEMPT = "10(38)"


# CBDT Cost Inflation Index, base FY 2001-02 = 100 (notified each year; keyed by the year a FY starts).
COST_INFLATION_INDEX: dict[int, int] = {
    2001: 100,
    2002: 105,
    2003: 109,
    2004: 113,
    2005: 117,
    2006: 122,
    2007: 129,
    2008: 137,
    2009: 148,
    2010: 167,
    2011: 184,
    2012: 200,
    2013: 220,
    2014: 240,
    2015: 254,
    2016: 264,
    2017: 272,
    2018: 280,
    2019: 289,
    2020: 301,
    2021: 317,
    2022: 331,
    2023: 348,
    2024: 363,
    2025: 376,
}


class CapitalGainsError(ValueError):
    """A lot the rules cannot be applied to (bad dates, a missing cost inflation index)."""


# ---------------------------------------------------------------------------------------- dates


def financial_year_start(day: date) -> int:
    """The year in which the financial year of `day` begins (1-Apr-2024 .. 31-Mar-2025 -> 2024)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_parse(label: str) -> int:
    """'2024-25' -> 2024; a clear error for anything else."""
    try:
        first, second = label.split("-")
        start = int(first)
    except ValueError as exc:
        raise CapitalGainsError(f"Financial year must look like 2024-25, not {label!r}.") from exc
    if len(first) != 4 or len(second) != 2 or not second.isdigit() or (start + 1) % 100 != int(second):
        raise CapitalGainsError(f"Financial year must look like 2024-25, not {label!r}.")
    return start


def financial_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def months_later(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------- rules


def tax_class_on(*, asset_class: str, on: date) -> TaxClass:
    """The fund's tax class on a day, from its asset class for tax (a Scheme.AssetClass value).

    Debt (more than 65% debt) is a specified fund under both definitions; "other" (gold, international,
    funds of funds: at most 35% domestic equity, not mostly debt) only until FY 2024-25; hybrids (more than
    35% equity, less than 65% debt) never. An unknown class is taken as non-equity, the least favourable
    reading that still is not the 50AA one."""
    if asset_class == "equity":
        return TaxClass.EQUITY
    if asset_class == "debt":
        return TaxClass.SPECIFIED
    if asset_class == "other" and financial_year_start(on) < SPECIFIED_DEFINITION_CHANGE_FY:
        return TaxClass.SPECIFIED
    return TaxClass.NON_EQUITY


def holding_months(*, tax_class: TaxClass, sold_on: date) -> int:
    """Months a unit must be held for more than to be long term."""
    if tax_class == TaxClass.EQUITY:
        return 12
    return 36 if sold_on < BUDGET_2024 else 24


def is_long_term(*, bought_on: date, sold_on: date, months: int) -> bool:
    """Held for more than `months` months: sold after the same date `months` later."""
    return sold_on > months_later(bought_on, months)


def equity_stcg_rate(sold_on: date) -> Decimal:
    return Decimal("20") if sold_on >= BUDGET_2024 else Decimal("15")


def equity_ltcg_rate(sold_on: date) -> Decimal:
    return Decimal("12.5") if sold_on >= BUDGET_2024 else Decimal("10")


def ltcg_112a_exemption(fy_start: int) -> Decimal:
    """The yearly exemption of Sec 112A: Rs 1 lakh, Rs 1.25 lakh for the whole of FY 2024-25 and later."""
    if fy_start < 2018:
        return ZERO
    return Decimal("125000") if fy_start >= 2024 else Decimal("100000")


def cost_inflation_index(fy_start: int) -> int:
    """CII of a financial year; years before the 2001 base take the base (cost is then the 2001 FMV)."""
    if fy_start < 2001:
        return COST_INFLATION_INDEX[2001]
    try:
        return COST_INFLATION_INDEX[fy_start]
    except KeyError as exc:
        raise CapitalGainsError(f"No cost inflation index for FY {financial_year_label(fy_start)}.") from exc


def indexed_cost(*, cost: Decimal, bought_on: date, sold_on: date) -> Decimal:
    bought = cost_inflation_index(financial_year_start(bought_on))
    sold = cost_inflation_index(financial_year_start(sold_on))
    return _money(cost * sold / bought)


def grandfathered_cost(*, actual_cost: Decimal, fmv: Decimal, sale_value: Decimal) -> Decimal:
    """Sec 55(2)(ac): the higher of the actual cost and the lower of the 31-Jan-2018 FMV and the sale value."""
    return max(actual_cost, min(fmv, sale_value))


def _money(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------- lots


@dataclass(frozen=True, slots=True)
class SaleLot:
    """Units of one purchase lot that one sale (redemption, switch out, STP or SWP leg) took.

    `purchase_value` includes the stamp duty paid on the purchase (None when the cost is not known);
    `fmv_nav_31jan2018` is the scheme's NAV on 31-Jan-2018 when AMFI's history has it."""

    isin: str
    scheme_name: str
    folio: str
    bought_on: date
    sold_on: date
    units: Decimal
    purchase_value: Decimal | None
    sale_value: Decimal
    asset_class: str
    sale_kind: str = "redemption"
    fmv_nav_31jan2018: Decimal | None = None
    stt: Decimal = ZERO
    scheme_id: int | None = None


@dataclass(frozen=True, slots=True)
class LotGain:
    isin: str
    scheme_name: str
    folio: str
    buy_date: date
    sell_date: date
    units: Decimal
    purchase_value: Decimal | None
    sale_value: Decimal
    sale_kind: str
    tax_class_at_purchase: TaxClass
    tax_class_at_sale: TaxClass
    term: Term
    section: Section
    rate: Decimal | None  # percent; None = slab rate
    cost_used: Decimal | None
    gain: Decimal | None
    fmv_31jan2018: Decimal | None = None  # total FMV of the units, where grandfathering used it
    fmv_nav_31jan2018: Decimal | None = None
    indexed_cost: Decimal | None = None
    stt: Decimal = ZERO
    grandfathered: bool = False  # bought on or before 31-Jan-2018 and long-term equity
    fmv_missing: bool = False  # grandfathering applies but no 31-Jan-2018 NAV is known
    cost_known: bool = True
    financial_year: str = ""


def lot_gain(lot: SaleLot) -> LotGain:
    """Applies the rules to one sold lot."""
    if lot.sold_on < lot.bought_on:
        raise CapitalGainsError(f"Sold on {lot.sold_on} before it was bought on {lot.bought_on}.")
    at_purchase = tax_class_on(asset_class=lot.asset_class, on=lot.bought_on)
    at_sale = tax_class_on(asset_class=lot.asset_class, on=lot.sold_on)
    base = LotGain(
        isin=lot.isin,
        scheme_name=lot.scheme_name,
        folio=lot.folio,
        buy_date=lot.bought_on,
        sell_date=lot.sold_on,
        units=lot.units,
        purchase_value=lot.purchase_value,
        sale_value=_money(lot.sale_value),
        sale_kind=lot.sale_kind,
        tax_class_at_purchase=at_purchase,
        tax_class_at_sale=at_sale,
        term=Term.SHORT,
        section=Section.SLAB,
        rate=None,
        cost_used=lot.purchase_value,
        gain=None,
        stt=_money(lot.stt),
        cost_known=lot.purchase_value is not None,
        financial_year=financial_year_label(financial_year_start(lot.sold_on)),
    )
    if at_sale == TaxClass.SPECIFIED and lot.bought_on >= SPECIFIED_FUND_FROM:
        return _with_gain(replace(base, section=Section.SPECIFIED))
    if at_sale == TaxClass.EQUITY:
        return _equity(lot, base)
    return _non_equity(lot, base, at_sale)


def _with_gain(result: LotGain) -> LotGain:
    if result.cost_used is None:
        return result
    return replace(result, cost_used=_money(result.cost_used), gain=_money(result.sale_value - result.cost_used))


def _equity(lot: SaleLot, base: LotGain) -> LotGain:
    if not is_long_term(bought_on=lot.bought_on, sold_on=lot.sold_on, months=12):
        return _with_gain(replace(base, section=Section.STCG_EQUITY, rate=equity_stcg_rate(lot.sold_on)))
    if lot.sold_on < LTCG_112A_FROM:
        return _with_gain(replace(base, term=Term.LONG, section=Section.EXEMPT, rate=ZERO))
    result = replace(base, term=Term.LONG, section=Section.LTCG_EQUITY, rate=equity_ltcg_rate(lot.sold_on))
    if lot.bought_on > GRANDFATHERING_DATE:
        return _with_gain(result)
    result = replace(result, grandfathered=True)
    if lot.fmv_nav_31jan2018 is None:
        # reported, never guessed: the actual cost stands and the lot is flagged for review
        return _with_gain(replace(result, fmv_missing=True))
    fmv = _money(lot.fmv_nav_31jan2018 * lot.units)
    result = replace(result, fmv_31jan2018=fmv, fmv_nav_31jan2018=lot.fmv_nav_31jan2018)
    if lot.purchase_value is None:
        return result
    cost = grandfathered_cost(actual_cost=lot.purchase_value, fmv=fmv, sale_value=base.sale_value)
    return _with_gain(replace(result, cost_used=cost))


def _non_equity(lot: SaleLot, base: LotGain, at_sale: TaxClass) -> LotGain:
    months = holding_months(tax_class=at_sale, sold_on=lot.sold_on)
    if not is_long_term(bought_on=lot.bought_on, sold_on=lot.sold_on, months=months):
        return _with_gain(base)
    result = replace(base, term=Term.LONG, section=Section.LTCG_OTHER)
    if lot.sold_on >= BUDGET_2024:
        return _with_gain(replace(result, rate=Decimal("12.5")))
    result = replace(result, rate=Decimal("20"))
    if lot.purchase_value is None:
        return result
    cost = indexed_cost(cost=lot.purchase_value, bought_on=lot.bought_on, sold_on=lot.sold_on)
    return _with_gain(replace(result, indexed_cost=cost, cost_used=cost))


def lot_gains(lots: list[SaleLot]) -> list[LotGain]:
    return [lot_gain(lot) for lot in sorted(lots, key=lambda x: (x.sold_on, x.isin, x.folio, x.bought_on))]


# ---------------------------------------------------------------------------------------- summary


@dataclass(frozen=True, slots=True)
class SectionSummary:
    section: Section
    term: Term
    rate: Decimal | None
    sale_value: Decimal
    cost: Decimal
    gains: Decimal
    losses: Decimal  # positive amount
    net: Decimal  # after losses of the same section (set against the highest rate first)
    exemption: Decimal  # the share of the Sec 112A exemption applied here
    taxable: Decimal
    tax: Decimal | None  # None where the slab rate applies
    lots: int


@dataclass(frozen=True, slots=True)
class YearSummary:
    financial_year: str
    rows: list[SectionSummary]
    exemption_112a_limit: Decimal
    exemption_112a_used: Decimal
    tax_estimated: Decimal  # at the fixed rates; slab-rate gains are listed, not taxed
    slab_gains: Decimal
    lots_without_cost: int
    lots_missing_fmv: int
    warnings: list[str] = field(default_factory=list)


_ORDER = {s: i for i, s in enumerate([Section.STCG_EQUITY, Section.LTCG_EQUITY, Section.LTCG_OTHER, Section.SPECIFIED,
                                      Section.SLAB, Section.EXEMPT])}  # fmt: skip


def year_summary(*, financial_year: str, gains: list[LotGain]) -> YearSummary:
    """Totals per section and rate for one financial year, the Sec 112A exemption applied (to the gains
    at the highest rate first, as the taxpayer may), and the tax at the fixed rates. Losses are set
    against gains of the same section only (a cross-section set-off is the return's job)."""
    fy_start = financial_year_parse(financial_year)
    buckets: dict[tuple[Section, Term, Decimal | None], list[LotGain]] = defaultdict(list)
    without_cost = missing_fmv = 0
    for gain in gains:
        if gain.financial_year != financial_year:
            raise CapitalGainsError(f"A lot sold on {gain.sell_date} is not in FY {financial_year}.")
        missing_fmv += gain.fmv_missing
        if gain.gain is None:
            without_cost += 1
            continue
        buckets[(gain.section, gain.term, gain.rate)].append(gain)

    nets = _set_off_within_sections({key: sum((g.gain for g in lots), ZERO) for key, lots in buckets.items()})
    limit = ltcg_112a_exemption(fy_start)
    exemptions, used = _apply_exemption(nets, limit)

    rows = []
    for key in sorted(buckets, key=lambda k: (_ORDER[k[0]], -(k[2] or ZERO))):
        section, term, rate = key
        lots = buckets[key]
        taxable = max(nets[key] - exemptions.get(key, ZERO), ZERO)
        rows.append(
            SectionSummary(
                section=section,
                term=term,
                rate=rate,
                sale_value=sum((g.sale_value for g in lots), ZERO),
                cost=sum((g.cost_used for g in lots), ZERO),
                gains=sum((g.gain for g in lots if g.gain > 0), ZERO),
                losses=-sum((g.gain for g in lots if g.gain < 0), ZERO),
                net=nets[key],
                exemption=exemptions.get(key, ZERO),
                taxable=taxable if rate is not None else max(nets[key], ZERO),
                tax=_money(taxable * rate / 100) if rate is not None else None,
                lots=len(lots),
            )
        )
    warnings = []
    if without_cost:
        warnings.append(f"{without_cost} sold lot(s) have no known purchase cost and are left out of the totals.")
    if missing_fmv:
        warnings.append(
            f"{missing_fmv} lot(s) bought on or before 31-Jan-2018 have no NAV for 31-Jan-2018: their actual "
            "cost is used until the NAV is imported."
        )
    return YearSummary(
        financial_year=financial_year,
        rows=rows,
        exemption_112a_limit=limit,
        exemption_112a_used=used,
        tax_estimated=sum((row.tax for row in rows if row.tax is not None), ZERO),
        slab_gains=sum((row.net for row in rows if row.rate is None), ZERO),
        lots_without_cost=without_cost,
        lots_missing_fmv=missing_fmv,
        warnings=warnings,
    )


def _set_off_within_sections(nets: dict) -> dict:
    """Within a section, a net loss at one rate reduces the gains at the other rates, highest rate first."""
    result = dict(nets)
    by_section: dict[Section, list] = defaultdict(list)
    for key in result:
        by_section[key[0]].append(key)
    for keys in by_section.values():
        losses = [k for k in keys if result[k] < 0]
        gains = sorted((k for k in keys if result[k] > 0), key=lambda k: -(k[2] or ZERO))
        for loss_key in losses:
            for gain_key in gains:
                take = min(-result[loss_key], result[gain_key])
                result[loss_key] += take
                result[gain_key] -= take
    return result


def _apply_exemption(nets: dict, limit: Decimal) -> tuple[dict, Decimal]:
    left = limit
    exemptions = {}
    keys = sorted((k for k in nets if k[0] == Section.LTCG_EQUITY and nets[k] > 0), key=lambda k: -(k[2] or ZERO))
    for key in keys:
        take = min(left, nets[key])
        if take > 0:
            exemptions[key] = take
            left -= take
    return exemptions, limit - left


def ltcg_112a_realised(summary: YearSummary) -> Decimal:
    """Net Sec 112A gains of the year before the exemption."""
    return sum((row.net for row in summary.rows if row.section == Section.LTCG_EQUITY), ZERO)
