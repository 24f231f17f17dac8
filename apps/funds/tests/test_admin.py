"""The platform admin's pages of the funds master."""

from datetime import date

import pytest
from django.test import Client

from apps.funds.models import Scheme, TradingHoliday
from tests.clients import platform_admin_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(db):
    from apps.users.models import User

    client = Client(HTTP_HOST="localhost")
    return platform_admin_signed_in(client, User.objects.get(email="admin@platform.localhost"))


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
