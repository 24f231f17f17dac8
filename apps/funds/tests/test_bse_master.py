"""BSE's scheme master, from a small fixture built on BSE's documented pipe-separated header."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.importers.base import ImportRefused
from apps.funds.importers.bse_master import import_bse_scheme_master
from apps.funds.models import ImportRun, Scheme, SchemeCode

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

MASTER = FIXTURES / "bse_scheme_master_sample.txt"
BANKING_PSU_6COL = (
    "Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;Scheme Name;Net Asset Value;Date\r\n \r\n"
    "Open Ended Schemes(Debt Scheme - Banking and PSU Fund)\r\n \r\nAditya Birla Sun Life Mutual Fund\r\n \r\n"
    "119550;INF209K01YN0;-;Aditya Birla Sun Life Banking & PSU Debt Fund- Direct Plan-Growth;404.6081;18-Aug-2026\r\n"
)


@pytest.fixture
def schemes(amfi_dir, tmp_path):
    """120465 (IDCW, payout and reinvestment ISINs, plan not stated) and 119550 (direct growth)."""
    import_amfi_navs(source=str(amfi_dir / "mfscreener_fixture_amfi_6_column.txt"))
    extra = tmp_path / "NAVAll.txt"
    extra.write_text(BANKING_PSU_6COL, newline="")
    import_amfi_navs(source=str(extra))
    return Scheme.objects.get(amfi_code="120465"), Scheme.objects.get(amfi_code="119550")


def _codes(scheme) -> set[tuple[str, str]]:
    return set(SchemeCode.objects.filter(scheme=scheme).values_list("source", "code"))


def test_fills_codes_minimums_and_allowed_operations(schemes):
    flexi, banking = schemes

    run = import_bse_scheme_master(source=str(MASTER))

    flexi.refresh_from_db()
    banking.refresh_from_db()
    # minimums from the primary row (payout ISIN, purchase allowed, lowest minimum): not the L1 code
    assert (flexi.min_purchase, flexi.min_additional, flexi.purchase_multiple) == (
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("1.00"),
    )
    assert flexi.min_redemption_units == Decimal("0.0010")
    assert (flexi.purchase_allowed, flexi.sip_allowed, flexi.switch_allowed) == (True, True, True)
    # "Scheme Plan" NORMAL fills the unknown plan; flag N refines the generic IDCW to payout
    assert (flexi.plan, flexi.option) == (Scheme.Plan.REGULAR, Scheme.Option.IDCW_PAYOUT)
    assert flexi.min_sip is None  # not in the scheme master
    # every BSE code of the scheme's ISINs, the RTA code under its registrar, the AMC's code
    assert {
        ("bse", "B02D"),
        ("bse", "B02D-L1"),
        ("bse", "B02DR"),
        ("bse_rta", "B02D"),
        ("cams", "B02D"),
        ("bse_rta", "B02R"),
        ("cams", "B02R"),
        ("amc", "ABSL02D"),
        ("amc", "ABSL02R"),
    } <= _codes(flexi)

    assert (banking.purchase_allowed, banking.sip_allowed, banking.switch_allowed) == (False, False, False)
    assert banking.redemption_allowed is True and banking.min_purchase == Decimal("5000.00")
    assert banking.min_additional is None  # blank in the file
    assert {("bse", "B211DG"), ("kfintech", "B211DG")} <= _codes(banking)

    assert run.status == ImportRun.Status.SUCCEEDED and run.layout == "bse_scheme_master"
    assert run.report["schemes"] == {"inserted": 0, "updated": 2, "unchanged": 0}
    skipped = run.report["skipped_reasons"]
    assert skipped["unknown_isin"] == {"count": 1, "lines": [6]}  # Axis: not in our master
    assert skipped["invalid_isin"] == {"count": 1, "lines": [7]}
    assert skipped["malformed_row"] == {"count": 1, "lines": [8]}
    assert run.skipped == 3 and run.report["contradictions"] == []


def test_second_import_changes_nothing(schemes):
    import_bse_scheme_master(source=str(MASTER))
    codes_before = SchemeCode.objects.count()

    again = import_bse_scheme_master(source=str(MASTER))

    assert again.report["changed"] is False
    assert again.report["schemes"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    assert again.report["codes"]["inserted"] == again.report["codes"]["updated"] == 0
    assert SchemeCode.objects.count() == codes_before


def test_disagreement_with_a_known_plan_is_reported(schemes, amfi_dir):
    # the 8-column fixture says "Direct" for 120465; BSE's row says NORMAL
    import_amfi_navs(source=str(amfi_dir / "mfscreener_fixture_amfi_8_column.txt"))

    run = import_bse_scheme_master(source=str(MASTER))

    assert Scheme.objects.get(amfi_code="120465").plan == Scheme.Plan.DIRECT
    assert run.report["contradictions"] == [
        {
            "line": 2,
            "amfi_code": "120465",
            "field": "plan",
            "stored": "direct",
            "file": "regular",
            "evidence": "BSE scheme code B02D",
        }
    ]


def test_not_a_scheme_master_is_refused(amfi_dir, schemes):
    with pytest.raises(ImportRefused, match="no pipe-separated header"):
        import_bse_scheme_master(source=str(amfi_dir / "amfi_NAVAll_bad_download_404.html"))
    assert Scheme.objects.get(amfi_code="120465").min_purchase is None


def test_command_json(schemes, capsys):
    call_command("import_bse_scheme_master", str(MASTER), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["kind"] == "bse_scheme_master" and payload["updated"] == 2 and payload["skipped"] == 3
