"""The fund picker of the order pages (investor and staff): a search that lists matching funds, each a link
that chooses it; the chosen fund travels as its AMFI code in the page's query string and in the order form's
hidden field, so nobody types a code. Plain links and GET forms: it works without script (the pages' CSP
allows none inline).

`fund_picker(params, field="scheme", query_field="q")` reads the current choice and search from the page's
query parameters and returns what the template (templates/web/funds_picker.html) needs, with every link
keeping the page's other parameters (order type, the other picker's choice)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from apps.funds.models import Scheme
from apps.funds.selectors import FundFilters, fund_find, fund_list

RESULTS = 8


@dataclass
class PickerChoice:
    scheme: Scheme
    url: str


@dataclass
class FundPicker:
    field: str  # the query parameter (and form field) the choice is written to
    query_field: str
    query: str
    selected: Scheme | None
    change_url: str
    keep: list[tuple[str, str]]  # other parameters, as hidden inputs of the search form
    results: list[PickerChoice] = field(default_factory=list)
    searched: bool = False
    amc_name: str = ""  # the search is limited to this fund house (a switch's target)


def _url(params: dict[str, str]) -> str:
    return "?" + urlencode({key: value for key, value in params.items() if value})


def fund_picker(
    params, *, field: str = "scheme", query_field: str = "q", chosen: str | None = None, amc=None
) -> FundPicker:
    """`params`: the page's query parameters (a QueryDict or dict); `chosen`: a code from a bound form,
    which wins over the query string; `amc`: limit the choice to this fund house."""
    current = {key: params.get(key, "") for key in params}
    code = chosen if chosen is not None else current.get(field, "")
    selected = fund_find(amfi_code=code) if code else None
    if selected is not None and amc is not None and selected.amc_id != amc.pk:
        selected = None
    query = current.get(query_field, "").strip()[:100]
    others = {key: value for key, value in current.items() if key not in (field, query_field)}
    picker = FundPicker(
        field=field,
        query_field=query_field,
        query=query,
        selected=selected,
        change_url=_url({**others, query_field: query}),
        keep=[(key, value) for key, value in others.items() if value],
        amc_name=amc.name if amc is not None else "",
    )
    if selected is None and query:
        picker.searched = True
        qs = fund_list(filters=FundFilters(q=query, amc=amc.code if amc is not None else ""))
        picker.results = [PickerChoice(scheme=s, url=_url({**others, field: s.amfi_code})) for s in qs[:RESULTS]]
    return picker


@dataclass
class OrderPickers:
    kind: str
    fund: FundPicker
    to_fund: FundPicker | None  # a switch's target, within the chosen fund's house

    def initial(self) -> dict[str, str]:
        """The order form's initial kind and chosen funds."""
        to_scheme = self.to_fund.selected if self.to_fund is not None else None
        return {
            "kind": self.kind,
            "amfi_code": self.fund.selected.amfi_code if self.fund.selected else "",
            "to_amfi_code": to_scheme.amfi_code if to_scheme else "",
        }


def order_pickers(params, *, form_data=None) -> OrderPickers:
    """The pickers of an order page: from the query string (GET), or from the sent form (POST), so that an
    order form shown again with its errors keeps the funds chosen."""
    if form_data is not None:
        params = {
            "kind": form_data.get("kind", ""),
            "scheme": form_data.get("amfi_code", ""),
            "to_scheme": form_data.get("to_amfi_code", ""),
        }
    kind = params.get("kind", "") or "purchase"
    fund = fund_picker(params)
    to_fund = None
    if kind == "switch" and fund.selected is not None and fund.selected.amc_id:
        to_fund = fund_picker(params, field="to_scheme", query_field="to_q", amc=fund.selected.amc)
    return OrderPickers(kind=kind, fund=fund, to_fund=to_fund)
