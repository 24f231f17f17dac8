"""AMFI category lines and what follows from them: SEBI category and sub-category, open or closed
structure, asset class for tax, the liquid / overnight cut-off flag and the ELSS lock-in.

AMFI's NAV files head each block with a line such as ``Open Ended Schemes(Equity Scheme - Large Cap Fund)``;
the history report and older files use the pre-2018 names (``Open Ended Schemes(Growth)``, ``(Balanced)``).
Both spellings are understood here."""

import re
from dataclasses import dataclass
from functools import lru_cache

from apps.funds.models import Scheme

ELSS_LOCK_IN_DAYS = 1095  # three years from each purchase (Sec 80C)

_CATEGORY_LINE = re.compile(
    r"^\s*(?P<structure>open[\s-]*ended|close[ds]?[\s-]*ended|interval(?:\s+fund)?)\s+schemes?\s*"
    r"\((?P<body>.*)\)\s*$",
    re.IGNORECASE,
)

# Sub-categories that decide the asset class for tax regardless of the group they are listed under.
# SEBI's definitions (Oct-2017 circular): arbitrage and equity savings hold at least 65% equity (hedged
# positions count), aggressive hybrid 65-80% equity; conservative hybrid holds 75-90% debt, which makes it a
# "specified mutual fund" (Sec 50AA, more than 65% debt). Balanced hybrid (40-60% equity), balanced
# advantage / dynamic asset allocation and multi asset depend on the portfolio of the day: hybrid.
_EQUITY_HYBRIDS = re.compile(r"arbitrage|equity savings|aggressive hybrid")
_DEBT_HYBRIDS = re.compile(r"conservative hybrid")
_OTHER = re.compile(r"fund of funds|\bfof\b|overseas|international|\bgold\b|\bsilver\b")
_HYBRID = re.compile(
    r"hybrid|balanced|dynamic asset allocation|multi asset|solution oriented|retirement|children|life cycle"
)
_EQUITY = re.compile(r"equity|\belss\b|^growth\b|large cap|mid cap|small cap|flexi cap|multi cap|sectoral|thematic")
_DEBT = re.compile(
    r"debt|income|gilt|money market|liquid|overnight|floating|floater|fixed term|duration|credit risk|"
    r"banking and psu|corporate bond|dynamic bond|\bbond\b"
)
# Index funds and ETFs listed under "Other Scheme" (or "Other ETFs") say nothing about what they track:
# the scheme name does.
_GENERIC_PASSIVE = re.compile(r"^(other scheme|other etfs?)\b|other etf|^exchange traded funds.*other")
_NAME_DEBT = re.compile(
    r"\b(gilt|g-?sec|sdl|bond|debt|crisil|t-?bill|treasury|liquid|money market|psu bond|banking (?:&|and) psu|"
    r"target maturity|corporate|overnight)\b",
    re.IGNORECASE,
)
_NAME_OTHER = re.compile(
    r"\b(gold|silver|nasdaq|s&p 500|hang seng|global|international|overseas|fang|emerging markets)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SchemeCategory:
    category: str
    sub_category: str
    is_open_ended: bool
    is_liquid: bool  # liquid and overnight funds: purchases have the 1:30 pm cut-off
    lock_in_days: int
    # None when the category does not say (generic index funds and ETFs): the scheme's name decides
    category_asset_class: str | None

    @classmethod
    def build(cls, *, category: str, sub_category: str, is_open_ended: bool) -> "SchemeCategory":
        text = f"{category} - {sub_category}".lower() if sub_category else category.lower()
        elss = bool(re.search(r"\belss\b|tax saver", text))
        return cls(
            category=category,
            sub_category=sub_category,
            is_open_ended=is_open_ended,
            is_liquid=bool(re.search(r"\b(liquid|overnight)\b", text)),
            lock_in_days=ELSS_LOCK_IN_DAYS if elss else 0,
            category_asset_class=_asset_class_from_category(text, elss=elss),
        )

    def asset_class(self, *, name: str = "") -> str:
        """The class that decides how gains are taxed."""
        if self.category_asset_class is not None:
            return self.category_asset_class
        return _asset_class_from_name(name)


def _asset_class_from_category(text: str, *, elss: bool) -> str | None:
    if elss or _EQUITY_HYBRIDS.search(text):
        return Scheme.AssetClass.EQUITY
    if _DEBT_HYBRIDS.search(text):
        return Scheme.AssetClass.DEBT
    if _OTHER.search(text):
        return Scheme.AssetClass.OTHER
    if _GENERIC_PASSIVE.search(text) or text in ("index funds", "other etfs", "other etf"):
        return None
    if _HYBRID.search(text):
        return Scheme.AssetClass.HYBRID
    if _EQUITY.search(text):
        return Scheme.AssetClass.EQUITY
    if _DEBT.search(text):
        return Scheme.AssetClass.DEBT
    return Scheme.AssetClass.UNKNOWN


def _asset_class_from_name(name: str) -> str:
    if not name:
        return Scheme.AssetClass.UNKNOWN
    if _NAME_OTHER.search(name):
        return Scheme.AssetClass.OTHER
    if _NAME_DEBT.search(name):
        return Scheme.AssetClass.DEBT
    return Scheme.AssetClass.EQUITY


def _clean(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=512)
def category_parse(line: str) -> SchemeCategory | None:
    """The category named by an AMFI category line, or None when the line is not one."""
    match = _CATEGORY_LINE.match(line)
    if match is None:
        return None
    structure = match.group("structure").lower()
    body = _clean(match.group("body"))
    parts = re.split(r"\s+-\s+", body, maxsplit=1)
    category = parts[0]
    sub_category = parts[1] if len(parts) > 1 else ""
    return SchemeCategory.build(
        category=category[:120], sub_category=sub_category[:120], is_open_ended=structure.startswith("open")
    )
