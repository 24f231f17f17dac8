"""The rules of AMFI's NAV format, line by line, on small files made for each rule (the real files are in
test_amfi_import.py), and the short cut for a file read before."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.importers.history import import_amfi_nav_history
from apps.funds.models import NavHistory, Scheme
from apps.funds.selectors import IST

pytestmark = pytest.mark.django_db

AFTER_19_AUG = datetime(2026, 8, 20, 9, 0, tzinfo=IST)
DAILY_HEADER = "Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;Scheme Name;Net Asset Value;Date"
HISTORY_HEADER = (
    "Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;Scheme Name;Net Asset Value;"
    "Repurchase Price;Sale Price;Date"
)
DAILY_LINES = [
    DAILY_HEADER,  # 1
    "",  # 2
    "Open Ended Schemes(Debt Scheme - Liquid Fund)",  # 3
    " ",  # 4
    "Alpha Mutual Fund",  # 5
    "100001;INF200K01UT4;-;Alpha Liquid Fund - Direct Plan - Growth;1000.5;19-Aug-2026",  # 6
    "100002;-;-;Alpha Liquid Fund - Regular Plan - Growth;0.0000;19-Aug-2026",  # 7 zero NAV
    "100003;-;-;Alpha Odd Fund - Growth;N.A.;19-Aug-2026",  # 8 unparsable NAV
    "100004;-;-;Alpha Dated Fund - Growth;12.5;31-Feb-2026",  # 9 no such day
    "10000X;-;-;Bad Code Fund;1;19-Aug-2026",  # 10
    "100001;-;-;Alpha Liquid Fund again;2;19-Aug-2026",  # 11 the code again
    "100005;-;-;   ;3;19-Aug-2026",  # 12 no name
    "100005;-;-;Named Later Fund - Growth;3;19-Aug-2026",  # 13 the first row with a name counts
    "100006;-;-;Too;Many;Columns;1;19-Aug-2026",  # 14
    "Beta Mutual Fund",  # 15
    "100007;NOTANISIN;-;  Spaced \t  Fund  - Growth ;  12.25 ; 19-aug-2026 ",  # 16
    "",
]


def _write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode())
    return path


def test_each_rule_skips_what_it_should_with_its_line(tmp_path):
    run = import_amfi_navs(source=str(_write(tmp_path, "NAVAll.txt", DAILY_LINES)), now=AFTER_19_AUG)

    assert run.report["rows"] == 10
    assert {reason: value["lines"] for reason, value in run.report["skipped_reasons"].items()} == {
        "zero_nav": [7],
        "unparsable_nav": [8],
        "unparsable_date": [9],
        "invalid_amfi_code": [10],
        "duplicate_amfi_code": [11],
        "missing_scheme_name": [12],
        "malformed_row": [14],
    }
    assert run.report["warnings"] == {"invalid_isin": {"count": 1, "lines": [16]}}
    # a skipped NAV leaves its scheme described; a skipped row does not
    assert sorted(Scheme.objects.values_list("amfi_code", flat=True)) == [
        "100001",
        "100002",
        "100003",
        "100004",
        "100005",
        "100007",
    ]
    assert dict(NavHistory.objects.values_list("scheme__amfi_code", "nav")) == {
        "100001": Decimal("1000.5"),
        "100005": Decimal("3"),
        "100007": Decimal("12.25"),
    }
    liquid = Scheme.objects.select_related("amc").get(amfi_code="100001")
    assert (liquid.amc.name, liquid.sub_category, liquid.is_liquid) == ("Alpha Mutual Fund", "Liquid Fund", True)
    assert (liquid.isin_growth, liquid.plan, liquid.option) == ("INF200K01UT4", "direct", "growth")
    spaced = Scheme.objects.select_related("amc").get(amfi_code="100007")
    assert (spaced.name, spaced.amc.name, spaced.isin_growth) == ("Spaced Fund - Growth", "Beta Mutual Fund", "")
    assert (spaced.latest_nav, spaced.latest_nav_date) == (Decimal("12.25"), date(2026, 8, 19))
    assert (run.nav_date, run.inserted, run.skipped) == (date(2026, 8, 19), 3, 7)


def test_a_history_report_keeps_the_first_nav_of_a_day_and_the_latest_description(tmp_path):
    lines = [
        HISTORY_HEADER,
        "Open Ended Schemes(Equity Scheme - Flexi Cap Fund)",
        "Gamma Mutual Fund",
        "200001;-;-;Gamma Flexi Cap Fund - Growth (renamed);21.00;;;02-Jan-2018",  # 4 the latest: describes
        "200001;-;-;Gamma Old Name Fund - Growth;20.00;;;01-Jan-2018",  # 5
        "200001;-;-;Gamma Old Name Fund - Growth;20.50;;;01-Jan-2018",  # 6 the same day again
        "200001;-;-;Gamma Undated Fund;20.75;;;someday",  # 7
    ]

    run = import_amfi_nav_history(source=str(_write(tmp_path, "history.txt", lines)))

    skipped = run.report["skipped_reasons"]
    assert (skipped["duplicate_nav"]["lines"], skipped["unparsable_date"]["lines"]) == ([6], [7])
    scheme = Scheme.objects.get(amfi_code="200001")
    assert scheme.name == "Gamma Flexi Cap Fund - Growth (renamed)"
    assert dict(scheme.navs.values_list("date", "nav")) == {
        date(2018, 1, 1): Decimal("20.00"),
        date(2018, 1, 2): Decimal("21.00"),
    }


def test_the_same_file_again_is_recorded_without_being_read_again(tmp_path):
    path = _write(tmp_path, "NAVAll.txt", DAILY_LINES)
    first = import_amfi_navs(source=str(path), now=AFTER_19_AUG)

    again = import_amfi_navs(source=str(path), now=AFTER_19_AUG)

    assert again.report["same_file_as_run"] == first.pk
    assert again.report["changed"] is False
    assert again.report["schemes"] == {"inserted": 0, "updated": 0, "unchanged": 6}
    assert again.report["skipped_reasons"] == first.report["skipped_reasons"]
    assert (again.inserted, again.unchanged, again.skipped, again.nav_date) == (0, 3, 7, first.nav_date)


def test_another_import_in_between_makes_the_same_file_load_in_full(tmp_path):
    path = _write(tmp_path, "NAVAll.txt", DAILY_LINES)
    import_amfi_navs(source=str(path), now=AFTER_19_AUG)
    history = [HISTORY_HEADER, "Gamma Mutual Fund", "100001;-;-;Alpha Liquid Fund;999.00;;;19-Aug-2026"]
    import_amfi_nav_history(source=str(_write(tmp_path, "history.txt", history)))
    assert NavHistory.objects.get(scheme__amfi_code="100001").nav == Decimal("999")  # the report overwrote it

    again = import_amfi_navs(source=str(path), now=AFTER_19_AUG)

    assert "same_file_as_run" not in again.report
    assert again.report["navs"]["updated"] == 1
    assert NavHistory.objects.get(scheme__amfi_code="100001").nav == Decimal("1000.5")


def test_a_large_file_is_streamed_with_the_same_result(tmp_path, monkeypatch):
    from apps.funds.importers import amfi

    monkeypatch.setattr(amfi, "STREAM_ABOVE_BYTES", 0)
    monkeypatch.setattr(amfi, "READ_BYTES", 7)  # pieces that cut lines, "\r\n" pairs and characters
    lines = [*DAILY_LINES[:-2], "100008;-;-;Crédit Fund - Growth;5;19-Aug-2026", ""]

    run = import_amfi_navs(source=str(_write(tmp_path, "NAVAll.txt", lines)), now=AFTER_19_AUG)

    assert {reason: value["lines"] for reason, value in run.report["skipped_reasons"].items()} == {
        "zero_nav": [7],
        "unparsable_nav": [8],
        "unparsable_date": [9],
        "invalid_amfi_code": [10],
        "duplicate_amfi_code": [11],
        "missing_scheme_name": [12],
        "malformed_row": [14],
    }
    assert Scheme.objects.get(amfi_code="100008").name == "Crédit Fund - Growth"
    assert run.inserted == 3


def test_a_streamed_file_with_a_nul_byte_is_refused(tmp_path, monkeypatch):
    from apps.funds.importers import amfi
    from apps.funds.importers.base import ImportRefused

    monkeypatch.setattr(amfi, "STREAM_ABOVE_BYTES", 0)
    monkeypatch.setattr(amfi, "READ_BYTES", 64)
    monkeypatch.setattr(amfi, "HEAD_BYTES", 200)  # the NUL comes after the beginning read for the header
    path = _write(tmp_path, "NAVAll.txt", [*DAILY_LINES[:8], "100009;-;-;Nul\x00 Fund;1;19-Aug-2026"])

    with pytest.raises(ImportRefused, match="binary"):
        import_amfi_navs(source=str(path), now=AFTER_19_AUG)
    assert not Scheme.objects.exists()


def test_a_history_report_over_stored_navs_corrects_adds_and_skips_a_repeated_day(tmp_path):
    # given: two schemes, one with NAVs stored within the report's dates, one with none
    first = [
        HISTORY_HEADER,
        "Gamma Mutual Fund",
        "200001;-;-;Gamma Fund - Growth;20.00;;;01-Jan-2018",
        "200001;-;-;Gamma Fund - Growth;21.00;;;03-Jan-2018",
    ]
    import_amfi_nav_history(source=str(_write(tmp_path, "first.txt", first)))
    report = [
        HISTORY_HEADER,
        "Gamma Mutual Fund",
        "200001;-;-;Gamma Fund - Growth;20.00;;;01-Jan-2018",  # 3 stored, the same
        "200001;-;-;Gamma Fund - Growth;20.40;;;02-Jan-2018",  # 4 new, between stored days
        "200001;-;-;Gamma Fund - Growth;20.90;;;02-Jan-2018",  # 5 the same day again
        "200001;-;-;Gamma Fund - Growth;21.50;;;03-Jan-2018",  # 6 a correction
        "200002;-;-;Delta Fund - Growth;30.00;;;02-Jan-2018",  # 7 a scheme without stored NAVs
        "200002;-;-;Delta Fund - Growth;31.00;;;02-Jan-2018",  # 8 its day again
    ]

    # when
    run = import_amfi_nav_history(source=str(_write(tmp_path, "report.txt", report)))

    # then: the first line of a day wins whichever path its scheme takes
    assert run.report["skipped_reasons"] == {"duplicate_nav": {"count": 2, "lines": [5, 8]}}
    assert run.report["navs"] == {"inserted": 2, "updated": 1, "unchanged": 1}
    assert (run.inserted, run.updated, run.unchanged, run.skipped) == (2, 1, 1, 2)
    assert dict(NavHistory.objects.filter(scheme__amfi_code="200001").values_list("date", "nav")) == {
        date(2018, 1, 1): Decimal("20.00"),
        date(2018, 1, 2): Decimal("20.40"),
        date(2018, 1, 3): Decimal("21.50"),
    }
    delta = Scheme.objects.get(amfi_code="200002")
    assert dict(delta.navs.values_list("date", "nav")) == {date(2018, 1, 2): Decimal("30.00")}
    assert (delta.latest_nav, delta.latest_nav_date) == (Decimal("30.00"), date(2018, 1, 2))


def test_an_isin_given_to_two_schemes_is_reported_and_not_mapped(tmp_path):
    from apps.funds.models import SchemeCode

    lines = [
        DAILY_HEADER,
        "Alpha Mutual Fund",
        "100001;INF200K01UT4;INF200K01UU2;Alpha Fund - Growth;10;19-Aug-2026",  # 3
        "100002;INF200K01UU2;-;Alpha Fund - IDCW;11;19-Aug-2026",  # 4 the first one's reinvestment ISIN
    ]

    run = import_amfi_navs(source=str(_write(tmp_path, "NAVAll.txt", lines)), now=AFTER_19_AUG)

    assert run.report["ambiguous_codes"] == [
        {"source": "isin", "code": "INF200K01UU2", "amfi_codes": ["100001", "100002"], "lines": [3, 4]}
    ]
    assert run.report["codes"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    mapped = set(SchemeCode.objects.values_list("source", "code", "scheme__amfi_code"))
    assert mapped == {("amfi", "100001", "100001"), ("amfi", "100002", "100002"), ("isin", "INF200K01UT4", "100001")}
