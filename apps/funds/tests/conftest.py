import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from tests.shared_data import shared_data

FIXTURES = Path(__file__).parent / "fixtures"
_seq = itertools.count(1)


@pytest.fixture(scope="session")
def amfi_dir() -> Path:
    """The real AMFI files (tests may read ../shared/data; runtime code never does)."""
    return shared_data("amfi")


@pytest.fixture(scope="session")
def navall_6(amfi_dir) -> Path:
    return amfi_dir / "amfi_NAVAll_2026-08-18_6col_legacy.txt"


@pytest.fixture(scope="session")
def navall_8(amfi_dir) -> Path:
    return amfi_dir / "amfi_NAVAll_2026-08-19_8col_planoption.txt"


@pytest.fixture
def app_user(tenant_alpha):
    """A signed-in app user of distributor alpha (a user row in alpha's schema)."""
    from apps.users.models import User

    with tenant_context(tenant_alpha):
        return User.objects.create_user(email=f"fund-api-{next(_seq)}@alpha.example", password=None)


@pytest.fixture
def api(alpha_api, app_user):
    alpha_api.force_authenticate(app_user)
    return alpha_api


@pytest.fixture
def make_scheme(db):
    from apps.funds.models import Amc, Scheme

    def make(*, amc_name: str = "Aravalli Mutual Fund", nav: str | None = "10", nav_date=None, **fields):
        n = next(_seq)
        amc, _ = Amc.objects.get_or_create(name=amc_name, defaults={"code": amc_name.lower().replace(" ", "-")})
        defaults = {
            "amfi_code": str(800_000 + n),
            "name": f"Aravalli Fund {n} - Direct Plan - Growth",
            "amc": amc,
            "category": "Equity Scheme",
            "sub_category": "Large Cap Fund",
            "plan": Scheme.Plan.DIRECT,
            "option": Scheme.Option.GROWTH,
            "asset_class": Scheme.AssetClass.EQUITY,
            "latest_nav": Decimal(nav) if nav is not None else None,
            "latest_nav_date": (nav_date or date(2026, 8, 19)) if nav is not None else None,
        }
        defaults.update(fields)
        return Scheme.objects.create(**defaults)

    return make


@pytest.fixture
def navall_subset(tmp_path):
    """A copy of a real NAV file with only some schemes' rows (headings and blank lines kept)."""

    def make(source: Path, codes: set[str]) -> Path:
        lines = source.read_bytes().split(b"\r\n")
        kept = [lines[0]] + [line for line in lines[1:] if b";" not in line or line.split(b";", 1)[0].decode() in codes]
        target = tmp_path / f"subset-{next(_seq)}-{source.name}"
        target.write_bytes(b"\r\n".join(kept))
        return target

    return make
