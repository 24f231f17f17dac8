"""AMFI NAV imports on the real files (../shared/data/amfi) and the one-row fixtures of each layout."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.importers.base import ImportRefused
from apps.funds.importers.history import import_amfi_nav_history
from apps.funds.models import Amc, ImportRun, NavHistory, Scheme, SchemeCode, TradingHoliday
from apps.funds.selectors import IST

pytestmark = pytest.mark.django_db

# A moment after the 19-Aug-2026 NAVs were due (their deadline is 23:00 IST that day).
AFTER_19_AUG = datetime(2026, 8, 20, 9, 0, tzinfo=IST)


def _table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Amc, Scheme, SchemeCode, NavHistory, TradingHoliday)}


def _schemes_snapshot() -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in Scheme.objects.values_list(
            "amfi_code", "plan", "option", "name", "isin_growth", "isin_reinvest", "category", "latest_nav_date"
        )
    }


def test_six_column_file_yields_14280_schemes(navall_6):
    run = import_amfi_navs(source=str(navall_6), now=datetime(2026, 8, 19, 9, 0, tzinfo=IST))

    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.layout == "navall_6col"
    assert Scheme.objects.count() == 14_280
    assert run.report["schemes"] == {"inserted": 14_280, "updated": 0, "unchanged": 0}
    # 243 rows publish a NAV of 0.0000: their schemes are kept, their NAVs skipped with line numbers
    zero = run.report["skipped_reasons"]["zero_nav"]
    assert zero["count"] == 243 and run.skipped == 243
    assert 294 in zero["lines"]  # Franklin India Corporate Debt Fund - Direct - Bonus;0.0000;08-May-2015
    assert NavHistory.objects.count() == 14_280 - 243 == run.inserted
    assert run.nav_date == date(2026, 8, 18) and run.expected_nav_date == date(2026, 8, 18)
    assert run.is_stale is False

    scheme = Scheme.objects.select_related("amc").get(amfi_code="119551")
    assert scheme.amc.name == "Aditya Birla Sun Life Mutual Fund"
    assert (scheme.category, scheme.sub_category) == ("Debt Scheme", "Banking and PSU Fund")
    assert (scheme.plan, scheme.option) == (Scheme.Plan.DIRECT, Scheme.Option.IDCW)  # "- DIRECT - IDCW"
    assert (scheme.isin_growth, scheme.isin_reinvest) == ("INF209KA12Z1", "INF209KA13Z9")
    assert scheme.asset_class == Scheme.AssetClass.DEBT and not scheme.is_liquid
    assert (scheme.latest_nav, scheme.latest_nav_date) == (Decimal("107.1360"), date(2026, 8, 18))
    assert SchemeCode.objects.filter(scheme=scheme).count() == 3  # AMFI code and both ISINs

    # a stale row keeps its own date
    bonus = Scheme.objects.get(amfi_code="128952")
    assert (bonus.option, bonus.latest_nav_date) == (Scheme.Option.BONUS, date(2017, 6, 14))
    # "-" is a missing ISIN; the category line decides liquid / ELSS
    assert Scheme.objects.get(amfi_code="120437").isin_growth == ""
    liquid = Scheme.objects.filter(sub_category="Liquid Fund")
    assert liquid.exists() and not liquid.filter(is_liquid=False).exists()
    assert not Scheme.objects.filter(sub_category="Overnight Fund", is_liquid=False).exists()
    elss = Scheme.objects.filter(sub_category__icontains="ELSS")
    assert elss.count() > 100 and set(elss.values_list("lock_in_days", "asset_class").distinct()) == {
        (1095, Scheme.AssetClass.EQUITY)
    }


def test_eight_column_file_yields_14283_schemes(navall_8):
    run = import_amfi_navs(source=str(navall_8), now=AFTER_19_AUG)

    assert run.layout == "navall_8col"
    assert Scheme.objects.count() == 14_283
    assert run.report["schemes"]["inserted"] == 14_283
    assert run.nav_date == date(2026, 8, 19) and not run.is_stale
    # blank Plan and Option and a bare name: unknown until a source says
    bare = Scheme.objects.get(amfi_code="119289")  # "Franklin India Corporate Debt Fund;;;0.0000"
    assert bare.name == "Franklin India Corporate Debt Fund"
    assert (bare.plan, bare.option) == (Scheme.Plan.UNKNOWN, Scheme.Option.UNKNOWN)
    spelled = Scheme.objects.get(amfi_code="119551")  # Direct Plan;IDCW-Re-investment
    assert (spelled.plan, spelled.option) == (Scheme.Plan.DIRECT, Scheme.Option.IDCW_REINVEST)
    assert spelled.name == "Aditya Birla Sun Life Banking & PSU Debt Fund - Direct Plan - IDCW-Re-investment"


def test_six_then_eight_keeps_what_the_six_column_names_said_and_reports_contradictions(navall_6, navall_8):
    import_amfi_navs(source=str(navall_6))
    after_six = _schemes_snapshot()
    known_plan = {code for code, row in after_six.items() if row[0] != Scheme.Plan.UNKNOWN}
    known_option = {code for code, row in after_six.items() if row[1] != Scheme.Option.UNKNOWN}
    assert len(known_plan) > 10_000 and len(known_option) > 13_000

    run = import_amfi_navs(source=str(navall_8), now=AFTER_19_AUG)

    after_eight = _schemes_snapshot()
    assert len(after_eight) == 14_283 and set(after_six) <= set(after_eight)  # the AMFI code is the identity
    assert run.report["schemes"]["inserted"] == 3
    contradictions = run.report["contradictions"]
    contradicted = {(c["amfi_code"], c["field"]) for c in contradictions}
    # every plan and option the 6-column name stated is still known ...
    assert all(after_eight[code][0] != Scheme.Plan.UNKNOWN for code in known_plan)
    assert all(after_eight[code][1] != Scheme.Option.UNKNOWN for code in known_option)
    # ... and unchanged, except where the 8-column file refines a generic "IDCW" into payout / reinvestment
    for code in known_plan:
        assert after_eight[code][0] == after_six[code][0]
    refined = {Scheme.Option.IDCW_PAYOUT, Scheme.Option.IDCW_REINVEST}
    for code in known_option:
        before, after = after_six[code][1], after_eight[code][1]
        assert after == before or (before == Scheme.Option.IDCW and after in refined)
    # the 8-column file fills plans the 6-column names did not state
    assert sum(1 for row in after_eight.values() if row[0] != Scheme.Plan.UNKNOWN) > len(known_plan)

    # the few rows where AMFI's files disagree are reported, and the stored value kept
    assert 0 < len(contradictions) < 100
    assert ("152810", "plan") in contradicted  # 6-col "Direct Plan - Growth Option", 8-col "Regular Plan"
    assert ("101084", "option") in contradicted  # "HDFC Gilt Fund - IDCW Plan" vs "Growth Option"
    plan_row = next(c for c in contradictions if (c["amfi_code"], c["field"]) == ("152810", "plan"))
    assert plan_row["stored"] == "direct" and plan_row["file"] == "regular" and plan_row["line"] > 0
    assert after_eight["152810"][0] == Scheme.Plan.DIRECT
    # a bare 8-column name does not replace the fuller 6-column one
    assert after_eight["119289"][2] == "Franklin India Corporate Debt Fund - Direct - Bonus"
    # both files name the same ISINs for the same codes
    assert all(after_eight[code][3:5] == after_six[code][3:5] for code in after_six)


def test_second_import_changes_nothing(navall_8):
    import_amfi_navs(source=str(navall_8), now=AFTER_19_AUG)
    before = _table_counts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(updated_at) FROM funds_scheme")
        (last_update,) = cursor.fetchone()

    run = import_amfi_navs(source=str(navall_8), now=AFTER_19_AUG)

    report = run.report
    assert report["changed"] is False
    for entity in ("amcs", "schemes", "codes", "navs"):
        assert report[entity]["inserted"] == report[entity]["updated"] == 0, entity
    assert report["schemes"]["unchanged"] == 14_283
    assert (run.inserted, run.updated, run.unchanged) == (0, 0, 14_283 - 243)
    assert _table_counts() == before
    assert Scheme.objects.filter(updated_at__gt=last_update).count() == 0


@pytest.mark.parametrize("name", ["amfi_NAVAll_bad_download_document_moved.html", "amfi_NAVAll_bad_download_404.html"])
def test_html_page_is_refused_and_nothing_is_written(amfi_dir, name):
    before = _table_counts()

    with pytest.raises(ImportRefused, match="HTML page") as caught:
        import_amfi_navs(source=str(amfi_dir / name))

    assert _table_counts() == before
    run = caught.value.run
    assert run.status == ImportRun.Status.REFUSED and run.inserted == 0
    assert list(ImportRun.objects.values_list("status", flat=True)) == [ImportRun.Status.REFUSED]


def test_a_refused_file_rolls_back_everything_before_it(tmp_path, navall_6, monkeypatch):
    """A failure after rows were written (here: recording the run) leaves no trace but the failed run."""
    from apps.funds.importers import amfi

    def explode(**kwargs):
        raise ImportRefused("simulated failure after loading")

    monkeypatch.setattr(amfi, "run_record_success", explode)
    with pytest.raises(ImportRefused):
        import_amfi_navs(source=str(navall_6))
    assert Scheme.objects.count() == 0 and NavHistory.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_other_files_are_refused(tmp_path, amfi_dir):
    history = amfi_dir / "mfscreener_fixture_amfi_historical_report.txt"
    with pytest.raises(ImportRefused, match="nav_history"):
        import_amfi_navs(source=str(history))
    header_only = tmp_path / "NAVAll.txt"
    header_only.write_text(
        "Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;Scheme Name;Net Asset Value;Date\r\n"
    )
    with pytest.raises(ImportRefused, match="no scheme rows"):
        import_amfi_navs(source=str(header_only))
    other = tmp_path / "other.csv"
    other.write_text("code,name,nav\n1,x,10\n")
    with pytest.raises(ImportRefused, match="header lacks"):
        import_amfi_navs(source=str(other))
    assert Scheme.objects.count() == 0
    assert ImportRun.objects.filter(status=ImportRun.Status.REFUSED).count() == 3


def test_one_row_fixtures_of_each_layout(amfi_dir):
    six = import_amfi_navs(source=str(amfi_dir / "mfscreener_fixture_amfi_6_column.txt"))
    scheme = Scheme.objects.select_related("amc").get(amfi_code="120465")
    assert six.layout == "navall_6col" and six.inserted == 1
    assert scheme.name == "Aditya Birla Sun Life Flexi Cap Fund - Dividend"
    assert (scheme.category, scheme.sub_category) == ("Equity Scheme", "Flexi Cap Fund")  # "( Equity Scheme ..."
    assert scheme.amc.name == "Aditya Birla Sun Life Mutual Fund"
    assert (scheme.plan, scheme.option) == (Scheme.Plan.UNKNOWN, Scheme.Option.IDCW)
    assert (scheme.latest_nav, scheme.latest_nav_date) == (Decimal("139.81"), date(2026, 9, 22))

    eight = import_amfi_navs(source=str(amfi_dir / "mfscreener_fixture_amfi_8_column.txt"))
    scheme.refresh_from_db()
    assert eight.layout == "navall_8col"
    assert (scheme.plan, scheme.option) == (Scheme.Plan.DIRECT, Scheme.Option.IDCW)  # Plan "Direct" fills unknown
    assert eight.report["navs"] == {"inserted": 0, "updated": 0, "unchanged": 1}  # same NAV, same date

    history = import_amfi_nav_history(source=str(amfi_dir / "mfscreener_fixture_amfi_historical_report.txt"))
    scheme.refresh_from_db()
    assert history.layout == "nav_history" and history.kind == ImportRun.Kind.AMFI_NAV_HISTORY
    assert history.report["schemes"]["updated"] == 0 and history.report["navs"]["unchanged"] == 1
    assert scheme.name == "Aditya Birla Sun Life Flexi Cap Fund - Direct - Dividend"
    assert NavHistory.objects.get(scheme=scheme).nav == Decimal("139.81")


def test_history_report_adds_navs_and_fills_only_what_is_missing(amfi_dir, navall_8, navall_subset):
    import_amfi_navs(source=str(navall_subset(navall_8, {"120517", "119551", "128952"})), now=AFTER_19_AUG)
    current = Scheme.objects.get(amfi_code="120517")  # ABSL Balanced '95 Direct Growth, renamed since 2018
    schemes_before = Scheme.objects.count()

    run = import_amfi_nav_history(source=str(amfi_dir / "amfi_NAV_history_31Jan2018_casparser-isin.txt"))

    assert run.layout == "nav_history"
    assert run.report["rows"] == 13_964
    assert run.report["skipped_reasons"]["unparsable_nav"]["count"] == 82  # "N.A."
    assert run.report["warnings"]["invalid_isin"]["count"] >= 5  # "NF760K01GO7", "IINF209KA1X9", ...
    old = current.navs.get(date=date(2018, 1, 31))
    assert old.nav == Decimal("810.94")
    current_after = Scheme.objects.get(pk=current.pk)
    # today's name, category and latest NAV stay; the 2018 report only adds
    assert (current_after.name, current_after.category, current_after.latest_nav_date) == (
        current.name,
        current.category,
        current.latest_nav_date,
    )
    added = run.report["schemes"]["inserted"]
    assert Scheme.objects.count() == schemes_before + added and added > 0
    # schemes that closed before 2026 come with 2018's NAVs and category names
    closed = Scheme.objects.filter(latest_nav_date__lte=date(2018, 1, 31))
    assert closed.filter(category="Growth", asset_class=Scheme.AssetClass.EQUITY).exists()

    again = import_amfi_nav_history(source=str(amfi_dir / "amfi_NAV_history_31Jan2018_casparser-isin.txt"))
    assert again.report["changed"] is False


def test_stale_file_is_flagged(navall_6, navall_subset):
    # 20-Aug-2026 evening: the 19th's and 20th's NAVs are due, the file has the 18th's
    source = navall_subset(navall_6, {"119551", "128952"})
    run = import_amfi_navs(source=str(source), now=datetime(2026, 8, 20, 23, 30, tzinfo=IST))
    assert run.is_stale and run.expected_nav_date == date(2026, 8, 20) and run.nav_date == date(2026, 8, 18)


def test_staleness_skips_holidays_and_weekends(navall_8, navall_subset):
    TradingHoliday.objects.create(date=date(2026, 8, 21), description="test holiday")
    source = str(navall_subset(navall_8, {"119551", "128952"}))
    # Monday 24-Aug-2026 before the deadline: Friday the 21st is a holiday, so Thursday the 20th is due
    run = import_amfi_navs(source=source, now=datetime(2026, 8, 24, 10, 0, tzinfo=IST))
    assert run.expected_nav_date == date(2026, 8, 20) and run.is_stale
    fresh = import_amfi_navs(source=source, now=datetime(2026, 8, 20, 22, 0, tzinfo=IST))
    assert fresh.expected_nav_date == date(2026, 8, 19) and not fresh.is_stale


def test_command_prints_one_json_object(navall_8, capsys):
    call_command("import_amfi_navs", str(navall_8), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["status"] == "succeeded" and payload["layout"] == "navall_8col"
    assert payload["schemes"]["inserted"] == 14_283
    assert payload["navs"]["inserted"] == payload["inserted"] == 14_283 - 243
    assert payload["skipped"] == 243 and payload["skipped_reasons"]["zero_nav"]["count"] == 243
    assert {"started_at", "finished_at", "unchanged", "contradictions", "is_stale", "nav_date"} <= payload.keys()


def test_command_refuses_html_with_an_error(amfi_dir, capsys):
    with pytest.raises(CommandError, match="HTML"):
        call_command("import_amfi_navs", str(amfi_dir / "amfi_NAVAll_bad_download_404.html"), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["status"] == "refused" and payload["inserted"] == 0
