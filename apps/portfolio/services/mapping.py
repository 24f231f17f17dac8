"""Maps a scheme as a statement or feed names it to the funds master: ISIN, then AMFI code, then the
registrar's product code, then the name. What does not map is kept by the caller and flagged."""

import re
from dataclasses import dataclass

from apps.funds.models import Scheme, SchemeCode
from apps.portfolio.models import MappedBy, Registrar

_NOISE = re.compile(
    r"\b(fund|scheme|plan|option|the|formerly|known|as|erstwhile|non\s*-?\s*demat|ending)\b|[^a-z0-9]+", re.I
)
_RTA_SOURCE = {Registrar.CAMS: SchemeCode.Source.CAMS, Registrar.KFINTECH: SchemeCode.Source.KFINTECH}


@dataclass(frozen=True)
class SchemeMatch:
    scheme: Scheme | None
    mapped_by: str

    @property
    def mapped(self) -> bool:
        return self.scheme is not None


def scheme_name_key(name: str) -> str:
    """A comparison key for scheme names: case, punctuation, registrar codes and filler words removed."""
    name = re.sub(r"^\s*[A-Z0-9]{2,10}\s*-\s*", "", name or "")  # "B205RG-Aditya Birla ..." -> "Aditya ..."
    name = re.sub(r"\(.*?(advisor|isin|formerly).*?\)", " ", name, flags=re.I)
    name = name.replace("IDCW", "dividend").replace("idcw", "dividend")
    return " ".join(_NOISE.sub(" ", name.lower()).split())


class SchemeMatcher:
    """Matches many schemes with few queries (a CAS names dozens): loads the candidates once."""

    def __init__(self, *, isins=(), amfi_codes=(), rta_codes=(), with_names: bool = True):
        isins = {i for i in isins if i}
        amfi_codes = {a for a in amfi_codes if a}
        rta_codes = {c for c in rta_codes if c}
        self._by_isin: dict[str, Scheme] = {}
        self._by_amfi: dict[str, Scheme] = {}
        self._by_code: dict[tuple[str, str], Scheme] = {}
        self._by_name: dict[str, Scheme] | None = None
        self._with_names = with_names
        if isins:
            for scheme in Scheme.objects.filter(isin_growth__in=isins):
                self._by_isin.setdefault(scheme.isin_growth, scheme)
            for scheme in Scheme.objects.filter(isin_reinvest__in=isins):
                self._by_isin.setdefault(scheme.isin_reinvest, scheme)
            for code in SchemeCode.objects.filter(source=SchemeCode.Source.ISIN, code__in=isins).select_related(
                "scheme"
            ):
                self._by_isin.setdefault(code.code, code.scheme)
        if amfi_codes:
            self._by_amfi = {s.amfi_code: s for s in Scheme.objects.filter(amfi_code__in=amfi_codes)}
        if rta_codes:
            for code in SchemeCode.objects.filter(
                source__in=[SchemeCode.Source.CAMS, SchemeCode.Source.KFINTECH], code__in=rta_codes
            ).select_related("scheme"):
                self._by_code[(code.source, code.code)] = code.scheme

    def _names(self) -> dict[str, Scheme]:
        if self._by_name is None:
            self._by_name = {}
            duplicates = set()
            for scheme in Scheme.objects.only("id", "name", "amfi_code", "amc_id", "latest_nav", "latest_nav_date"):
                key = scheme_name_key(scheme.name)
                if key in self._by_name:
                    duplicates.add(key)
                self._by_name[key] = scheme
            for key in duplicates:  # a name that names two schemes maps nothing
                self._by_name.pop(key, None)
        return self._by_name

    def match(
        self, *, isin: str = "", amfi_code: str = "", rta_code: str = "", rta: str = "", name: str = ""
    ) -> SchemeMatch:
        if isin and isin in self._by_isin:
            return SchemeMatch(self._by_isin[isin], MappedBy.ISIN)
        if amfi_code and amfi_code in self._by_amfi:
            return SchemeMatch(self._by_amfi[amfi_code], MappedBy.AMFI)
        if rta_code:
            sources = [_RTA_SOURCE[rta]] if rta in _RTA_SOURCE else list(_RTA_SOURCE.values())
            for source in sources:
                scheme = self._by_code.get((source, rta_code))
                if scheme is not None:
                    return SchemeMatch(scheme, MappedBy.RTA_CODE)
        if name and self._with_names:
            scheme = self._names().get(scheme_name_key(name))
            if scheme is not None:
                return SchemeMatch(scheme, MappedBy.NAME)
        return SchemeMatch(None, MappedBy.UNMAPPED)


def scheme_match(
    *, isin: str = "", amfi_code: str = "", rta_code: str = "", rta: str = "", name: str = ""
) -> SchemeMatch:
    """One scheme; see SchemeMatcher for many."""
    matcher = SchemeMatcher(isins=[isin], amfi_codes=[amfi_code], rta_codes=[rta_code])
    return matcher.match(isin=isin, amfi_code=amfi_code, rta_code=rta_code, rta=rta, name=name)
