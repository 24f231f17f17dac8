"""Fund search ranking: fund houses by the names people use, and the name as typed first."""

import pytest

from apps.funds.aliases import alias_split
from apps.funds.selectors import FundFilters, fund_list

pytestmark = pytest.mark.django_db


def _names(q: str) -> list[str]:
    return [scheme.name for scheme in fund_list(filters=FundFilters(q=q))]


@pytest.fixture
def houses(make_scheme):
    """Real fund-house spellings from AMFI's file, and names that a careless prefix search would confuse."""
    names = {
        "Parag Parikh Flexi Cap Fund - Direct Plan - Growth": "PPFAS Mutual Fund",
        "Parag Parikh ELSS Tax Saver Fund - Direct Plan - Growth": "PPFAS Mutual Fund",
        "HDFC Flexi Cap Fund - Growth Option - Direct Plan": "HDFC Mutual Fund",
        "Aditya Birla Sun Life Frontline Equity Fund - Growth - Direct Plan": "Aditya Birla Sun Life Mutual Fund",
        "ICICI Prudential Bluechip Fund - Direct Plan - Growth": "ICICI Prudential Mutual Fund",
        "quant Small Cap Fund - Growth Option - Direct Plan": "quant Mutual Fund",
        "Quantum Value Fund - Direct Plan Growth Option": "Quantum Mutual Fund",
        "UTI Nifty 50 Index Fund - Direct Plan - Growth Option": "UTI Mutual Fund",
        "ICICI Prudential Utilities Fund - Direct Plan - Growth": "ICICI Prudential Mutual Fund",
        "Bandhan Small Cap Fund - Direct Plan - Growth": "Bandhan Mutual Fund",
        "Axis Bluechip Fund - Direct Plan - Growth": "Axis Mutual Fund",
        "Axis Bluechip Fund": "Axis Mutual Fund",
        "Axis Bluechip Fund Plus": "Axis Mutual Fund",
    }
    return {name: make_scheme(name=name, amc_name=amc) for name, amc in names.items()}


def test_ppfas_finds_parag_parikh_first(houses):
    found = _names("ppfas")
    assert found and all(name.startswith("Parag Parikh") for name in found)
    assert _names("ppfas flexi")[0] == "Parag Parikh Flexi Cap Fund - Direct Plan - Growth"


@pytest.mark.parametrize(
    ("query", "expected_start"),
    [
        ("absl frontline", "Aditya Birla Sun Life Frontline"),
        ("aditya birla", "Aditya Birla Sun Life Frontline"),
        ("icici pru bluechip", "ICICI Prudential Bluechip"),
        ("idfc small cap", "Bandhan Small Cap"),
        ("hdfc flexi", "HDFC Flexi Cap"),
    ],
)
def test_fund_house_aliases(houses, query, expected_start):
    found = _names(query)
    assert len(found) == 1 and found[0].startswith(expected_start)


def test_a_short_house_name_is_a_whole_word_not_a_prefix(houses):
    # "quant" must not find Quantum, nor "uti" ICICI's Utilities fund
    assert _names("quant") == ["quant Small Cap Fund - Growth Option - Direct Plan"]
    assert _names("uti") == ["UTI Nifty 50 Index Fund - Direct Plan - Growth Option"]
    # without the alias table a prefix search finds the longer word
    assert "Quantum Value Fund - Direct Plan Growth Option" in _names("quantu")


def test_exact_name_beats_a_partial_one(make_scheme):
    # given names that all hold every word of the query; the partial ones sort first by name and rank higher
    # (they repeat "equity"), so only the closeness rule puts the exact name first
    for name in ("Kotak Equity Arbitrage Fund - Equity Growth", "Kotak Equity Fund", "Kotak Equity Fund - Equity IDCW"):
        make_scheme(name=name, amc_name="Kotak Mahindra Mutual Fund")
    # when / then: the exact name, then the one that starts with the query, then the rest
    assert _names("kotak equity fund") == [
        "Kotak Equity Fund",
        "Kotak Equity Fund - Equity IDCW",
        "Kotak Equity Arbitrage Fund - Equity Growth",
    ]
    assert _names("KOTAK   equity FUND - equity idcw")[0] == "Kotak Equity Fund - Equity IDCW"


def test_alias_split_prefers_the_longest_alias():
    assert alias_split(["icici", "pru", "bluechip"]) == [
        ("icici pru", (("icici", "prudential"),)),
        ("bluechip", None),
    ]
    assert alias_split(["aditya", "birla"])[0][0] == "aditya birla"


def test_a_number_after_a_hyphen_is_found_as_typed(make_scheme):
    # given AMFI's own spelling: Postgres reads "Series-30" as the word "series" and the number "-30"
    make_scheme(name="Axis Hybrid Fund Series-30 (1297 Days) Direct Growth", amc_name="Axis Mutual Fund")
    make_scheme(name="Axis Hybrid Fund Series-31 (1200 Days) Direct Growth", amc_name="Axis Mutual Fund")
    # then: the number is found as typed, as a whole number or a prefix, next to words that are not hyphenated
    assert _names("axis hybrid series 30") == ["Axis Hybrid Fund Series-30 (1297 Days) Direct Growth"]
    assert len(_names("axis series 3")) == 2
    assert _names("series 30 1297") == ["Axis Hybrid Fund Series-30 (1297 Days) Direct Growth"]


def test_a_word_the_parser_reads_as_a_number_is_found_whole(make_scheme):
    # given a name whose last word Postgres's parser reads as "80e6" (a number) and "f5f97a" when it stands
    # alone, but keeps whole after a hyphen, as the name is indexed
    make_scheme(name="Behalf Flexi Cap Fund-80e6f5f97a", amc_name="Behalf Mutual Fund")
    # then typing it finds the scheme
    assert _names("Behalf Flexi Cap Fund-80e6f5f97a") == ["Behalf Flexi Cap Fund-80e6f5f97a"]
    assert _names("80e6f5f97a") == ["Behalf Flexi Cap Fund-80e6f5f97a"]
