import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


@pytest.fixture
def in_alpha(tenant_alpha):
    """The connection on alpha's schema for the whole test."""
    with tenant_context(tenant_alpha):
        yield tenant_alpha


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
def make_investor(db):
    from apps.accounts.models import Investor
    from apps.users.models import User

    def make(*, name: str | None = None, pan: str | None = None, mobile: str | None = None):
        n = _next()
        user = User.objects.create_user(email=f"inv{n}-{date.today():%j}@example.com", password=None)
        return Investor.objects.create(
            user=user,
            full_name=name or f"Investor {n}",
            pan=pan,
            email=user.email,
            mobile=mobile or f"98{n:08d}",
        )

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
