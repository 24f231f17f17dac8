"""Reading plan, option and identifiers out of the free text AMFI and BSE publish.

Plan and option come from AMFI's Plan / Option columns (8-column file) or, failing that, from the scheme
name. Names carry fund names that contain the same words ("Dividend Yield Fund", "Growth Mid Cap Fund",
"Regular Savings Fund"), so only the part of a name after the fund's own name is read: the text after the
last "Fund" / "FoF" / "ETF" / "Scheme" word, once "(formerly known as ...)" remarks are removed."""

import re
from functools import lru_cache

from apps.funds.models import Scheme

_FORMERLY = re.compile(r"\([^()]*\b(?:formerly|erstwhile|earlier)\b[^()]*\)", re.IGNORECASE)
_FUND_WORD = re.compile(r"\b(?:funds?|fof|etf|scheme)\b", re.IGNORECASE)

_DIRECT = re.compile(r"\bdirect\b")
_REGULAR = re.compile(r"\bregular\b")
_GROWTH = re.compile(r"\bgrowth\b|\bcumulative\b")
_IDCW = re.compile(r"idcw|\bdividend|income distribution|\bdcw\b|\bidwc\b|payout|reinvest")
_PAYOUT = re.compile(r"payout|pay out")
_REINVEST = re.compile(r"reinvest")
_BONUS = re.compile(r"\bbonus\b")

_ISIN = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")


def clean_text(text: str) -> str:
    """Whitespace collapsed (AMFI pads names with double spaces and tabs)."""
    return " ".join(text.split())


def name_tail(name: str) -> str:
    """The part of a scheme name that can state plan and option (see the module docstring)."""
    text = _FORMERLY.sub(" ", name)
    ends = [match.end() for match in _FUND_WORD.finditer(text)]
    return text[ends[-1] :] if ends else text


def _normalised(text: str) -> str:
    text = clean_text(text).lower()
    return text.replace("re-investment", "reinvestment").replace("re investment", "reinvestment")


@lru_cache(maxsize=8192)
def plan_from_text(text: str) -> str:
    """direct / regular from text that states it, else unknown ("Retail", "Institutional" and old schemes
    without a plan say neither; a text naming both is not trusted)."""
    text = _normalised(text)
    direct, regular = bool(_DIRECT.search(text)), bool(_REGULAR.search(text))
    if direct and not regular:
        return Scheme.Plan.DIRECT
    if regular and not direct:
        return Scheme.Plan.REGULAR
    return Scheme.Plan.UNKNOWN


@lru_cache(maxsize=8192)
def option_from_text(text: str) -> str:
    """growth / idcw (facility not stated) / idcw_payout / idcw_reinvest / bonus, else unknown."""
    text = _normalised(text)
    growth, idcw, bonus = bool(_GROWTH.search(text)), bool(_IDCW.search(text)), bool(_BONUS.search(text))
    if bonus:  # "Growth Plan - Bonus Option": bonus units under the growth plan
        return Scheme.Option.BONUS if not idcw else Scheme.Option.UNKNOWN
    if growth and not idcw:
        return Scheme.Option.GROWTH
    if idcw and not growth:
        payout, reinvest = bool(_PAYOUT.search(text)), bool(_REINVEST.search(text))
        if payout and not reinvest:
            return Scheme.Option.IDCW_PAYOUT
        if reinvest and not payout:
            return Scheme.Option.IDCW_REINVEST
        return Scheme.Option.IDCW
    return Scheme.Option.UNKNOWN


def plan_option_from_name(name: str) -> tuple[str, str]:
    tail = name_tail(name)
    return plan_from_text(tail), option_from_text(tail)


# Which stated options agree: a generic "IDCW" is refined by a statement of the facility.
_IDCW_FACILITIES = {Scheme.Option.IDCW_PAYOUT, Scheme.Option.IDCW_REINVEST}


def options_agree(a: str, b: str) -> bool:
    if Scheme.Option.UNKNOWN in (a, b) or a == b:
        return True
    return (a == Scheme.Option.IDCW and b in _IDCW_FACILITIES) or (b == Scheme.Option.IDCW and a in _IDCW_FACILITIES)


def isin_normalise(value: str) -> str:
    """An ISIN as AMFI or BSE wrote it, upper-cased; "-", "#N/A", "NOTAPP" and other fillers become ""."""
    value = value.strip().upper()
    return value if value[:2].isalpha() and len(value) == 12 else ""


@lru_cache(maxsize=65536)
def isin_is_valid(value: str) -> bool:
    """ISO 6166: two letters, nine alphanumerics and a check digit (Luhn over the letters as numbers)."""
    return bool(_ISIN.match(value)) and isin_check_digit(value[:-1]) == value[-1]


_ISIN_DIGITS = {ch: str(int(ch, 36)) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit sum of 2 * d


def isin_check_digit(body: str) -> str:
    """The check digit for the first eleven characters of an ISIN: letters become their numbers
    (A=10 ... Z=35), then Luhn, doubling from the rightmost digit."""
    digits = "".join(map(_ISIN_DIGITS.__getitem__, body.upper()))[::-1]
    total = sum(_DOUBLED[int(d)] for d in digits[0::2]) + sum(map(int, digits[1::2]))
    return str((10 - total % 10) % 10)
