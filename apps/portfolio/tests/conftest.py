import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


@pytest.fixture
def make_amc(db):
    from apps.funds.models import Amc

    def make(name: str | None = None):
        n = _next()
        name = name or f"Test AMC {n} Mutual Fund"
        amc, _ = Amc.objects.get_or_create(name=name, defaults={"code": f"test-amc-{n}"})
        return amc

    return make


@pytest.fixture
def make_scheme(db, make_amc):
    from apps.funds.models import Scheme

    def make(*, amc=None, nav: str | Decimal | None = "10", nav_date: date | None = None, **fields):
        n = _next()
        defaults = {
            "amfi_code": f"9{n:05d}",
            "isin_growth": f"INFT{n:07d}X",
            "name": f"Test Scheme {n} - Direct Plan - Growth",
            "amc": amc or make_amc(),
            "category": "Equity Scheme - Large Cap Fund",
            "plan": Scheme.Plan.DIRECT,
            "option": Scheme.Option.GROWTH,
            "asset_class": Scheme.AssetClass.EQUITY,
            "latest_nav": Decimal(nav) if nav is not None else None,
            "latest_nav_date": (nav_date or date(2026, 8, 18)) if nav is not None else None,
        }
        defaults.update(fields)
        return Scheme.objects.create(**defaults)

    return make


@pytest.fixture
def nav_history(db):
    from apps.funds.models import NavHistory

    def add(scheme, start: date, navs: list[str | Decimal], step: int = 1):
        rows = [
            NavHistory(scheme=scheme, date=start + timedelta(days=i * step), nav=Decimal(str(nav)))
            for i, nav in enumerate(navs)
        ]
        NavHistory.objects.bulk_create(rows)
        return rows

    return add


CAS_PASSWORD = "ABCDE1234F"


@pytest.fixture
def cas_universe(db, make_amc, make_scheme):
    """Five schemes at three AMCs, as the funds master knows them, and the generator's specs for them
    (the last one unknown to the funds master, to be kept unmapped)."""
    from apps.demo.casgen import SchemeSpec, synthetic_nav_series

    hdfc = make_amc("HDFC Mutual Fund")
    axis = make_amc("Axis Mutual Fund")
    nippon = make_amc("Nippon India Mutual Fund")
    rows = [
        (hdfc, "HDFC Flexi Cap Fund - Direct Plan - Growth Option", "INF179K01UT0", "H02FCDG", "CAMS", "", True),
        (hdfc, "HDFC Liquid Fund - Direct Plan - Growth Option", "INF179KB1HP9", "H01LQDG", "CAMS", "", False),
        (axis, "Axis ELSS Tax Saver Fund - Direct Growth", "INF846K01EW2", "128TSDGG", "CAMS", "", True),
        (
            nippon,
            "Nippon India Small Cap Fund - Direct Plan - IDCW",
            "INF204K01K23",
            "RMFSCD",
            "KFINTECH",
            "payout",
            True,
        ),
        (
            None,
            "Nippon India Retired Fund - Direct Plan - IDCW Reinvestment",
            "INF204K01ZZ9",
            "RMFRDR",
            "KFINTECH",
            "reinvest",
            True,
        ),
    ]
    specs, schemes = [], []
    for index, (amc, name, isin, code, registrar, idcw, equity) in enumerate(rows):
        navs = synthetic_nav_series(
            seed=index + 1, start=date(2019, 1, 1), end=date(2026, 9, 1), start_nav=Decimal("20") + index
        )
        if amc is not None:
            schemes.append(
                make_scheme(
                    amc=amc,
                    name=name,
                    isin_growth=isin,
                    nav=navs[date(2025, 3, 31)],
                    nav_date=date(2025, 3, 31),
                    lock_in_days=1095 if "ELSS" in name else 0,
                )
            )
        specs.append(
            SchemeSpec(
                amc=(amc.name if amc else "Nippon India Mutual Fund"),
                name=name,
                isin=isin,
                rta_code=code,
                registrar=registrar,
                idcw=idcw,
                equity=equity,
                nav_at=navs.__getitem__,
            )
        )
    return schemes, specs


@pytest.fixture
def cas_statement(cas_universe):
    from apps.demo.casgen import statement_build

    def build(*, issuer="CAMS", seed=7, period_from=date(2021, 1, 1), period_to=date(2024, 12, 31), **kwargs):
        _, specs = cas_universe
        return statement_build(
            seed=seed,
            issuer=issuer,
            investor_name="Asha Verma",
            email="asha@example.com",
            mobile="+919800000001",
            pan=CAS_PASSWORD,
            specs=specs,
            period_from=period_from,
            period_to=period_to,
            **kwargs,
        )

    return build


@pytest.fixture
def private_storage(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def record_line():
    from apps.portfolio.services import transaction_record

    def record(investor, scheme, kind, day, amount, units, ref, folio="F1", nav=None, source="order"):
        return transaction_record(
            investor=investor,
            scheme=scheme,
            folio_number=folio,
            kind=kind,
            trade_date=day,
            amount=Decimal(amount),
            units=Decimal(units),
            nav=Decimal(nav) if nav else None,
            source=source,
            source_ref=ref,
        )

    return record
