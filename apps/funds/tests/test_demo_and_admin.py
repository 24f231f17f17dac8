"""The demo fund universe and the platform admin pages."""

import builtins
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from apps.demo.seeders import funds as demo
from apps.funds.models import Amc, ImportRun, NavHistory, Scheme, SchemeCode, TradingHoliday
from apps.funds.naming import isin_is_valid
from apps.funds.selectors import IST

pytestmark = pytest.mark.django_db


def test_demo_universe_is_generated_idempotent_and_reads_nothing_outside_the_repo(monkeypatch):
    repo = Path(__file__).resolve().parents[3]
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        path = Path(file) if isinstance(file, str | Path) else None
        outside = path is not None and path.is_absolute() and repo not in path.resolve().parents
        if outside and "site-packages" not in str(path) and "/usr/" not in str(path):
            raise AssertionError(f"the demo read {path}")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    lines: list[str] = []

    demo.seed(log=lines.append)

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


@pytest.fixture
def platform_admin(db):
    from apps.users.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="admin@platform.localhost"))
    return client


def test_admin_pages(platform_admin, amfi_dir, make_scheme):
    from apps.funds.importers.amfi import import_amfi_navs

    run = import_amfi_navs(source=str(amfi_dir / "mfscreener_fixture_amfi_6_column.txt"))
    scheme = Scheme.objects.get(amfi_code="120465")
    TradingHoliday.objects.create(date=date(2026, 12, 25), description="Christmas")

    for url in (
        "/admin/funds/importrun/",
        f"/admin/funds/importrun/{run.pk}/change/",
        "/admin/funds/scheme/",
        "/admin/funds/scheme/?q=flexi",
        f"/admin/funds/scheme/{scheme.pk}/change/",
        "/admin/funds/amc/",
        "/admin/funds/schemecode/",
        "/admin/funds/tradingholiday/",
    ):
        response = platform_admin.get(url)
        assert response.status_code == 200, url
    detail = platform_admin.get(f"/admin/funds/importrun/{run.pk}/change/").content.decode()
    assert "navall_6col" in detail and "&quot;schemes&quot;" in detail
    assert platform_admin.get("/admin/funds/importrun/add/").status_code == 403
