"""The demo fund universe: generated, idempotent, and read from nowhere outside the repository."""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import timezone

from apps.demo.seeders import funds as demo
from apps.funds.models import Amc, ImportRun, NavHistory, Scheme, SchemeCode, TradingHoliday
from apps.funds.naming import isin_is_valid
from apps.funds.selectors import IST

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
# where the interpreter and the libraries read their own files (time zones, certificates, modules)
_SYSTEM_ROOTS = {
    Path(sys.prefix).resolve(),
    Path(sys.base_prefix).resolve(),
    Path(tempfile.gettempdir()).resolve(),
    *(Path(p) for p in ("/usr", "/etc", "/proc", "/sys", "/dev")),
}
_recording: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    # Every file the process opens raises the "open" audit event: builtins.open, io.open, Path.read_bytes,
    # os.open alike, so nothing the demo uses can slip past this the way it slips past a patched open().
    if _recording and event in ("open", "os.open") and isinstance(args[0], str | bytes | Path):
        _recording[-1].append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextmanager
def files_opened():
    opened: list[str] = []
    _recording.append(opened)
    try:
        yield opened
    finally:
        _recording.pop()


def _inside_repo_or_interpreter(path: str) -> bool:
    resolved = Path(os.path.abspath(path)).resolve()
    return any(resolved == root or root in resolved.parents for root in {REPO, *_SYSTEM_ROOTS})


def test_files_opened_sees_every_way_of_reading_a_file():
    outside = REPO.parent / "shared" / "MANIFEST-probe-never-created"
    with files_opened() as opened:
        for read in (lambda p: p.read_bytes(), lambda p: open(p).read(), lambda p: os.open(p, os.O_RDONLY)):  # noqa: SIM115
            with pytest.raises(FileNotFoundError):
                read(outside)
    assert opened == [str(outside)] * 3
    assert not _inside_repo_or_interpreter(str(outside))


def test_demo_universe_is_generated_idempotent_and_reads_nothing_outside_the_repo():
    lines: list[str] = []
    with files_opened() as opened:
        demo.seed(log=lines.append)
    assert not [path for path in opened if not _inside_repo_or_interpreter(path)], "the demo read outside the repo"

    schemes = Scheme.objects.filter(amfi_code__gte="900001")
    assert Amc.objects.count() == len(demo.AMCS) == 8
    assert 250 <= schemes.count() <= 400
    assert set(schemes.values_list("plan", flat=True)) == {Scheme.Plan.DIRECT, Scheme.Plan.REGULAR}
    assert {Scheme.AssetClass.EQUITY, Scheme.AssetClass.DEBT, Scheme.AssetClass.HYBRID} <= set(
        schemes.values_list("asset_class", flat=True)
    )
    assert schemes.filter(is_liquid=True).exists() and schemes.filter(lock_in_days=1095).exists()
    assert (
        not schemes.filter(latest_nav__isnull=True).exists() and not schemes.filter(min_purchase__isnull=True).exists()
    )
    assert all(isin_is_valid(isin) for isin in SchemeCode.objects.filter(source="isin").values_list("code", flat=True))
    assert SchemeCode.objects.filter(source="bse").count() >= schemes.count()
    scheme = schemes.order_by("amfi_code").first()
    days = NavHistory.objects.filter(scheme=scheme).count()
    assert 700 <= days <= 800  # about three years of business days
    assert NavHistory.objects.filter(scheme=scheme, date__week_day__in=(1, 7)).count() == 0  # no weekends
    holidays = TradingHoliday.objects.filter(is_demo=True)
    this_year = timezone.now().astimezone(IST).year
    assert holidays.filter(date__year=this_year).exists() and holidays.filter(date__year=this_year + 1).exists()
    assert not NavHistory.objects.filter(date__in=holidays.values("date")).exists()
    assert any("fund universe" in line for line in lines)

    counts = (Scheme.objects.count(), NavHistory.objects.count(), SchemeCode.objects.count(), holidays.count())
    navs = dict(NavHistory.objects.filter(scheme=scheme).values_list("date", "nav"))
    demo.seed(log=lines.append)
    assert (Scheme.objects.count(), NavHistory.objects.count(), SchemeCode.objects.count(), holidays.count()) == counts
    assert ImportRun.objects.filter(kind=ImportRun.Kind.DEMO).count() == 1

    # a fresh run (another day's fingerprint) produces the same NAVs for the same dates
    ImportRun.objects.filter(kind=ImportRun.Kind.DEMO).delete()
    demo.seed(log=lines.append)
    rerun = ImportRun.objects.get(kind=ImportRun.Kind.DEMO)
    assert rerun.report["changed"] is False
    assert dict(NavHistory.objects.filter(scheme=scheme).values_list("date", "nav")) == navs
